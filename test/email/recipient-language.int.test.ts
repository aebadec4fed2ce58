/**
 * Every email in its recipient's language, read from the system's embedded SMTP server: a cadence
 * step to a lead (the lead's language), a quote to the customer (the lead's language), an approval
 * request, its reminder and the decision (each person's language). A zh-CN recipient reads Chinese,
 * with the Subject header RFC 2047-encoded on the wire; an en one reads English.
 */
import { rmSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockCatalogue } from '../quotes/deal-fixture';
import { sqliteOnly } from '../support/database';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { readerText } from '../quotes/pdf-text';

/** Cadences send at any hour; the manager is reminded after 4 seconds and misses a 12-second deadline. */
const rules = () =>
  rulesFixture({
    cadences: fastJourneyRules.cadences,
    approvals: (doc) => {
      doc.setIn(['levels', 'manager', 'deadline'], '12 seconds');
      doc.setIn(['levels', 'manager', 'remindAfter'], '4 seconds');
    },
  });

const WANG = 'wang.wei@bianyiqi.cn';
const GRACE = 'grace@compilers.io';
const MANAGER = 'wei.manager@example.com';
const DIRECTOR = 'dana.director@example.com';

describe.each(sqliteOnly)('emails in the recipient language (%s)', (provider) => {
  const rulesDir = rules();
  let system: TestSystem;
  let revops: string;

  const call = (method: string, path: string, token: string, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: bearer(token) });

  /** The one email to `to` whose subject matches, parsed from what the SMTP server received. */
  async function received(to: string, subject: RegExp) {
    const found = async () => (await system.mailbox!.list({ to })).find((m) => subject.test(m.subject));
    expect(
      await eventually(async () => (await found()) !== undefined, 45_000),
      `an email to ${to} like ${subject}`,
    ).toBe(true);
    const raw = (await system.mailbox!.get((await found())!.id))!.raw;
    return { raw, mail: await simpleParser(raw) };
  }

  /** A lead from an ads campaign in `language`, made an MQL (its cadence starts). */
  async function mql(email: string, firstName: string, company: string, language: 'en' | 'zh-CN') {
    const lead = await call('POST', '/api/leads', revops, {
      email,
      firstName,
      company,
      title: 'VP Engineering',
      source: 'ads',
      language,
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    await call('POST', `/api/leads/${lead.body.id}/events`, revops, { type: 'pricing-page-visit' });
    return lead.body.id as string;
  }

  /** The lead qualified by BANT and converted; its owner is a zh-CN rep reporting to the zh-CN manager. */
  async function deal(leadId: string) {
    const bant = await call('POST', `/api/leads/${leadId}/bant`, revops, {
      budget: 'confirmed',
      authority: 'decision-maker',
      need: 'confirmed',
      timeline: 'this-quarter',
    });
    expect(bant.body).toMatchObject({ stage: 'sql' });
    const converted = await call('POST', `/api/leads/${leadId}/convert`, revops, {});
    expect(converted.status, JSON.stringify(converted.body)).toBe(201);
    const row = await system.database.db.deal.findUniqueOrThrow({ where: { id: converted.body.dealId } });
    const owner = await system.personToken(row.ownerEmail, 'rep', { managerEmail: MANAGER, language: 'zh-CN' });
    return { dealId: row.id, dealName: row.name, ownerEmail: row.ownerEmail, owner };
  }

  async function quote(
    dealId: string,
    owner: string,
    customerEmail: string,
    discount?: string,
    company = 'Compilers Inc',
  ) {
    const created = await call('POST', `/api/deals/${dealId}/quotes`, owner, {
      customer: { company, region: 'US-NY', email: customerEmail },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 10, ...(discount ? { discount } : {}) }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { quote: { id: string; number: string; current: { id: string } }; submission: unknown };
  }

  let wangLead: string;
  let graceLead: string;

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir });
    revops = await system.personToken('revops@example.com', 'revops');
    await system.personToken(DIRECTOR, 'director');
    await system.personToken(MANAGER, 'manager', { managerEmail: DIRECTOR, language: 'zh-CN' });
    await stockCatalogue(system, revops);
    wangLead = await mql(WANG, '伟', '编译器科技', 'zh-CN');
    graceLead = await mql(GRACE, 'Grace', 'Compilers Inc', 'en');
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it('when a zh-CN lead and an en lead become MQLs, then the first cadence email reaches each in their language, the Chinese subject RFC 2047-encoded on the wire', async () => {
    const chinese = await received(WANG, /想请教/);
    expect(chinese.mail.subject).toBe('伟，想请教一个关于编译器科技的问题');
    expect(chinese.mail.text).toContain('伟，您好：');
    expect(chinese.mail.text).toContain('看到您在了解像编译器科技这样的团队如何实现销售流程自动化。');
    expect(chinese.mail.text).toMatch(/退订：http/);
    // What the SMTP server got: an encoded word, never raw UTF-8 in the header.
    expect(chinese.raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(chinese.raw).not.toMatch(/^Subject: .*[^\r -~]/im);

    const english = await received(GRACE, /quick question/);
    expect(english.mail.subject).toBe('Grace, a quick question about Compilers Inc');
    expect(english.mail.text).toContain('Hi Grace,');
    expect(english.mail.text).toMatch(/Unsubscribe: http/);
    expect(english.raw).toMatch(/^Subject: Grace, a quick question about Compilers Inc\r?$/m);
  });

  let wangDeal: Awaited<ReturnType<typeof deal>>;

  it('when a quote is sent, then a zh-CN customer gets it in Chinese, its PDF too, and an en customer in English; the document API serves the same language unless ?lang= says otherwise', async () => {
    wangDeal = await deal(wangLead);
    const graceDeal = await deal(graceLead);
    const chineseQuote = await quote(wangDeal.dealId, wangDeal.owner, WANG, undefined, '编译器科技');
    const englishQuote = await quote(graceDeal.dealId, graceDeal.owner, GRACE);
    for (const [{ dealId, owner }, { quote: q }] of [
      [wangDeal, chineseQuote],
      [graceDeal, englishQuote],
    ] as const) {
      const sent = await call('POST', `/api/quotes/${q.id}/versions/1/send`, owner);
      expect(sent.status, `${dealId}: ${JSON.stringify(sent.body)}`).toBe(200);
    }

    const chinese = await received(WANG, /报价单/);
    expect(chinese.mail.subject).toBe(`Leadflow Inc. 的报价单 ${chineseQuote.quote.number}`);
    expect(chinese.mail.text).toContain(`附件是我们为 编译器科技 准备的报价单 ${chineseQuote.quote.number}（第 1 版）`);
    expect(chinese.raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(chinese.mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    // 10 × USD 1,200.00 + 8.875% New York tax, in the PDF the customer opens.
    const chinesePdf = (await readerText(chinese.mail.attachments[0]!.content)).flat();
    expect(chinesePdf).toEqual(
      expect.arrayContaining([
        `报价单 ${chineseQuote.quote.number}`,
        '第 1 版',
        '客户',
        '编译器科技',
        '总计',
        'USD 13,065.00',
      ]),
    );

    const english = await received(GRACE, /^Quote /);
    expect(english.mail.subject).toBe(`Quote ${englishQuote.quote.number} from Leadflow Inc.`);
    expect(english.mail.text).toContain(`Please find attached our quote ${englishQuote.quote.number} (version 1)`);
    const englishPdf = (await readerText(english.mail.attachments[0]!.content)).flat();
    expect(englishPdf).toEqual(expect.arrayContaining([`Quote ${englishQuote.quote.number}`, 'PREPARED FOR', 'Total']));

    // The document API: the customer's language by default (whoever asks), ?lang= to override.
    const document = async (query: string) => {
      const path = `/api/quotes/${chineseQuote.quote.id}/versions/1/document?${query}`;
      const response = await fetch(`${system.url}${path}`, { headers: bearer(wangDeal.owner) });
      return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
    };
    const served = await document('format=pdf');
    expect(served.response.headers.get('content-language')).toBe('zh-CN');
    expect((await readerText(served.bytes)).flat()).toEqual(chinesePdf);
    const inEnglish = await document('format=pdf&lang=en');
    expect(inEnglish.response.headers.get('content-language')).toBe('en');
    expect((await readerText(inEnglish.bytes)).flat()).toContain('Total');
    const html = await document('format=html');
    expect(new TextDecoder().decode(html.bytes)).toMatch(/<html lang="zh-CN">[\s\S]*报价单/);
    const french = await document('format=pdf&lang=fr');
    expect(french.response.status).toBe(400);
    expect(JSON.parse(new TextDecoder().decode(french.bytes))).toMatchObject({
      error: { fields: [{ path: 'query.lang', message: 'must be en or zh-CN' }] },
    });
  });

  it('when a 15% quote needs approval, then the zh-CN manager is asked (the tier by its Chinese label) and reminded in Chinese, the en director (after the escalation) is asked in English, and the zh-CN owner hears the decision in Chinese', async () => {
    const { quote: q } = await quote(wangDeal.dealId, wangDeal.owner, WANG, '15');
    const number = q.number;

    const request = await received(MANAGER, /^待审批/);
    expect(request.mail.subject).toBe(`待审批：${wangDeal.dealName} 的报价单 ${number} 第 1 版（经理审批权限）`);
    expect(request.mail.text).toContain(
      `${wangDeal.ownerEmail} 请您以经理身份审批报价单 ${number} 第 1 版（经理审批权限）。`,
    );
    expect(request.mail.text).toContain('与价格表对比：');
    expect(request.mail.text).toContain('审批矩阵认定的折扣：15%');
    expect(request.raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);

    const reminder = await received(MANAGER, /^提醒/);
    expect(reminder.mail.subject).toMatch(new RegExp(`^提醒：报价单 ${number} 第 1 版的审批将于 .+ 到期$`));
    expect(reminder.mail.text).toContain(`您对 ${wangDeal.dealName} 的经理审批仍未处理。`);

    const escalated = await received(DIRECTOR, /^Approval needed/);
    expect(escalated.mail.subject).toBe(`Approval needed: ${number} v1 for ${wangDeal.dealName} (Manager authority)`);
    expect(escalated.mail.text).toContain(`asks for your director approval of quote ${number} version 1`);
    expect(escalated.mail.text).toContain('Prices against the price book:');

    const director = await system.personToken(DIRECTOR, 'director');
    const requestId = `apr_${q.current.id}`;
    const view = await call('GET', `/api/approvals/${requestId}`, director);
    const step = (view.body.steps as Array<{ id: string; level: string; status: string }>).find(
      (s) => s.level === 'director' && s.status === 'pending',
    )!;
    const decided = await call('POST', `/api/approvals/${requestId}/steps/${step.id}/decision`, director, {
      decision: 'approve',
      contentHash: view.body.contentHash,
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    const decision = await received(wangDeal.ownerEmail, /^报价已批准/);
    expect(decision.mail.subject).toBe(`报价已批准：${wangDeal.dealName}`);
    expect(decision.mail.text).toContain(`报价单 ${number}`);
    expect(decision.mail.text).toContain('的折扣审批已批准。');
  });
});
