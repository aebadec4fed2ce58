/**
 * A bulk intake's rejected rows in the reader's language: the batch status, its errors.csv and
 * the upload's own answer word each row's problem in Chinese for a Chinese reader and in English
 * (as always) for everyone else; a row stored before problems had codes shows its stored text.
 * Provider-independent, so SQLite only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem } from '../support/system';

const CHINESE = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
const ENGLISH = { 'accept-language': 'en-GB' };

describe('bulk intake row problems in the reader’s language', () => {
  let system: TestSystem;
  const api = (path: string) => `${system.url}${path}`;
  const errorsCsv = async (batchId: string, headers: Record<string, string>) => {
    const response = await fetch(api(`/api/intake-batches/${batchId}/errors.csv`), {
      headers: { authorization: `Bearer ${system.revopsToken}`, ...headers },
    });
    return (await response.text()).trimEnd().split('\r\n');
  };

  beforeAll(async () => {
    system = await startTestSystem('sqlite', {}, { worker: false });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('when a Chinese reader sends a batch with bad rows, then each row says why in Chinese; an English reader of the same batch reads English', async () => {
    const leads = [
      { email: 'good@words.io', source: 'events' },
      { email: 'not-an-email', source: 'events' },
      { firstName: 'No identity', source: 'events' },
      { email: 'fax@words.io', source: 'fax' },
      { email: 'other@words.io', source: 'ads', tenant: 'someone-else' },
    ];
    const sent = await http(api('/api/leads/batch'), { body: { leads }, headers: CHINESE });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ received: 5, accepted: 1, rejected: 4 });
    expect(sent.body.errors).toEqual([
      { row: 1, field: 'email', message: '不是有效的电子邮件地址' },
      { row: 2, field: 'email', message: '未提供 externalId 时必填（线索以电子邮件或外部编号识别）' },
      {
        row: 3,
        field: 'source',
        message:
          '必须是以下之一："events"、"content"、"ads"、"partner-referral"、"customer-referral"、"social"、"cold-outreach"',
      },
      { row: 4, field: 'tenant', message: `不是您的租户（${system.config.tenant}），请省略此字段` },
    ]);

    const english = await http(api(`/api/intake-batches/${sent.body.id}`), { headers: ENGLISH });
    expect(english.body.errors).toEqual([
      { row: 1, field: 'email', message: 'must be a valid email address' },
      {
        row: 2,
        field: 'email',
        message: 'is required unless externalId is given (a lead is identified by its email or its external id)',
      },
      {
        row: 3,
        field: 'source',
        message: 'must be one of: events, content, ads, partner-referral, customer-referral, social, cold-outreach',
      },
      { row: 4, field: 'tenant', message: `is not your tenant (${system.config.tenant}); leave it out` },
    ]);
    const chinese = await http(api(`/api/intake-batches/${sent.body.id}`), { headers: CHINESE });
    expect(chinese.body.errors).toEqual(sent.body.errors);

    expect(await errorsCsv(sent.body.id, CHINESE)).toEqual([
      'row,column,field,message',
      '1,,email,不是有效的电子邮件地址',
      '2,,email,未提供 externalId 时必填（线索以电子邮件或外部编号识别）',
      '3,,source,"必须是以下之一：""events""、""content""、""ads""、""partner-referral""、""customer-referral""、""social""、""cold-outreach"""',
      `4,,tenant,不是您的租户（${system.config.tenant}），请省略此字段`,
    ]);
    expect((await errorsCsv(sent.body.id, ENGLISH))[1]).toBe('1,,email,must be a valid email address');
  });

  it('when a Chinese reader uploads an attendee file with a bad row, then the row names its file row and column in Chinese', async () => {
    const csv = [
      '邮箱,姓,名,国家',
      'li.wei@expo.cn,李,伟,CN',
      'not-an-email,王,芳,CN',
      'zhang.min@expo.cn,张,敏,XQ',
    ].join('\n');
    const upload = (headers: Record<string, string>) =>
      http(api('/api/imports/attendees?campaign=expo'), {
        rawBody: csv,
        headers: { 'content-type': 'text/csv', ...headers },
      });
    const sent = await upload(CHINESE);
    expect(sent.status).toBe(202);
    expect(sent.body.errors).toEqual([
      { row: 3, field: 'email', column: '邮箱', message: '第 3 行，"邮箱" 列：不是有效的电子邮件地址' },
      {
        row: 4,
        field: 'country',
        column: '国家',
        message: '第 4 行，"国家" 列："XQ" 不是 ISO 3166 国家代码，如德国为 "DE"、英国为 "GB"',
      },
    ]);
    const english = await http(api(`/api/intake-batches/${sent.body.id}`), { headers: ENGLISH });
    expect(english.body.errors).toEqual([
      { row: 3, field: 'email', column: '邮箱', message: 'row 3, column "邮箱": must be a valid email address' },
      {
        row: 4,
        field: 'country',
        column: '国家',
        message:
          'row 4, column "国家": "XQ" is not an ISO 3166 country code, e.g. "DE" for Germany or "GB" for the United Kingdom',
      },
    ]);
    expect((await errorsCsv(sent.body.id, CHINESE))[1]).toBe(
      '3,邮箱,email,"第 3 行，""邮箱"" 列：不是有效的电子邮件地址"',
    );
  });

  it('when a batch row names a stored lead by email but gives another external id, then the row says so in the reader’s language', async () => {
    await system.database.db.lead.create({
      data: {
        id: 'ld_wordsknownwordsknownwo',
        tenant: system.config.tenant,
        email: 'known@words.io',
        externalId: 'crm-1',
        source: 'events',
        sourceDetails: {},
        attributes: {},
        journeyId: 'lead-words-known',
      },
    });
    const leads = [{ email: 'known@words.io', externalId: 'crm-2', source: 'events' }];
    const sent = await http(api('/api/leads/batch'), { body: { leads }, headers: CHINESE });
    expect(sent.body.errors).toEqual([
      { row: 0, field: 'externalId', message: '线索 ld_wordsknownwordsknownwo 的外部编号是 "crm-1"' },
    ]);
    const english = await http(api(`/api/intake-batches/${sent.body.id}`), { headers: ENGLISH });
    expect(english.body.errors).toEqual([
      { row: 0, field: 'externalId', message: 'lead ld_wordsknownwordsknownwo has external id "crm-1"' },
    ]);
  });

  it('when a batch was stored before row problems had codes, then every reader reads its stored text', async () => {
    const id = randomUUID();
    const stored = {
      row: 2,
      field: 'email',
      column: 'Email',
      message: 'row 2, column "Email": must be a valid email address',
    };
    await system.database.db.intakeBatch.create({
      data: {
        id,
        tenant: system.config.tenant,
        kind: 'csv',
        source: 'events',
        campaign: null,
        fileName: 'old.csv',
        createdBy: 'revops@leadflow.test',
        received: 1,
        accepted: 0,
        alreadyImported: 0,
        rejected: 1,
        rowErrors: [stored],
      },
    });
    const chinese = await http(api(`/api/intake-batches/${id}`), { headers: CHINESE });
    expect(chinese.body.errors).toEqual([stored]);
    expect(await errorsCsv(id, CHINESE)).toEqual([
      'row,column,field,message',
      '2,Email,email,"row 2, column ""Email"": must be a valid email address"',
    ]);
  });
});
