import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseReason } from '../../src/api/error-words';
import { errorHandler } from '../../src/api/errors';
import { LeadflowError } from '../../src/domain/errors';
import { parseInput } from '../../src/api/input';
import { TaskCreateSchema, TaskListQuerySchema } from '../../src/api/routes/work';
import { createLogger } from '../../src/logger';

/**
 * The refusals the workspace meets most, through the API's real error boundary, in the caller's
 * Accept-Language: Chinese for zh-CN, English (as the use-case wrote it) otherwise.
 */
describe('refusals in the caller’s language', () => {
  let server: Server;
  let url: string;
  const refusals: Record<string, () => Error> = {
    stale: () =>
      new LeadflowError(
        'stale_revision',
        'Deal dl_1 is at revision 4, not 3: it changed since you read it. Reload the needs analysis, reapply your edit and save with revision 4.',
        { details: [{ path: 'revision', message: 'the current revision is 4' }] },
      ),
    meeting: () => new LeadflowError('conflict', 'The meeting is cancelled; only a scheduled meeting can change.'),
    closed: () => new LeadflowError('conflict', 'Deal dl_7 is closed-lost; a closed deal does not change.'),
    already: () => new LeadflowError('conflict', 'the deal is already in proposal'),
    'no-deal': () => new LeadflowError('not_found', 'No deal dl_404 in tenant default.'),
    'no-lead': () => new LeadflowError('not_found', 'No lead with id ld_9.'),
    'no-version': () => new LeadflowError('not_found', 'Quote Q-2026-0007 has no version 3.'),
    'unlisted-conflict': () =>
      new LeadflowError('conflict', 'Idempotency key k1 was already used to assign lead ld_1.'),
    'unlisted-missing': () => new LeadflowError('not_found', 'No backtest bt_1.'),
    unprocessable: () =>
      new LeadflowError('unprocessable', 'Task tk_1 cannot be snoozed; see fields.', {
        details: [{ path: 'until', message: 'must be after now' }],
      }),
    worded: () => new LeadflowError('not_allowed', '规则不允许进入该阶段：以下条件尚未满足。', { details: [] }),
  };
  beforeAll(async () => {
    const app = express();
    app.get('/refuse/:kind', (req) => {
      throw refusals[req.params.kind]!();
    });
    app.use(errorHandler(createLogger('silent')));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const refuse = async (kind: string, language?: string) => {
    const response = await fetch(`${url}/refuse/${kind}`, {
      headers: language ? { 'accept-language': language } : {},
    });
    return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
  };

  it('when a Chinese reader saves from a stale revision, then the 409 says so in Chinese with the current revision', async () => {
    const answer = await refuse('stale', 'zh-CN,zh;q=0.9,en;q=0.8');
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: 'stale_revision',
      message: '该记录在您读取之后已被他人修改（当前版本 4）。请重新加载，再次修改后保存。',
      fields: [{ path: 'revision', message: '当前版本为 4' }],
    });
  });

  it.each([undefined, 'en-GB', 'fr-FR, zh-TW'])(
    'when the caller asks for %s, then the refusal is the English the use-case wrote',
    async (language) => {
      const answer = await refuse('stale', language);
      expect(answer.body.error).toMatchObject({
        message: expect.stringContaining('Deal dl_1 is at revision 4, not 3'),
        fields: [{ path: 'revision', message: 'the current revision is 4' }],
      });
    },
  );

  // Hand-checked: each English refusal the workspace shows, and the Chinese a reader of it gets.
  it.each([
    ['meeting', 409, '该会议已取消，只有已安排的会议可以更改。'],
    ['closed', 409, '商机 dl_7 已以输单关闭，已关闭的商机不能再更改。'],
    ['already', 409, '该商机已处于报价阶段。'],
    ['no-deal', 404, '找不到商机 dl_404。'],
    ['no-lead', 404, '找不到线索 ld_9。'],
    ['no-version', 404, '报价 Q-2026-0007 没有第 3 版。'],
    ['unlisted-conflict', 409, '该记录当前的状态不允许此操作。请重新加载后查看。'],
    ['unlisted-missing', 404, '找不到所请求的记录：它可能已被删除，或不在您的可见范围内。'],
  ])('when a Chinese reader is refused (%s), then the %i says so in Chinese', async (kind, status, message) => {
    const answer = await refuse(kind, 'zh-CN');
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toBe(message);
    // An English reader still gets what the use-case wrote.
    expect((await refuse(kind, 'en')).body.error.message).toBe(refusals[kind]!().message);
  });

  it('when a 422 names fields, then the headline is Chinese and the fields keep their place and words', async () => {
    const answer = await refuse('unprocessable', 'zh-CN');
    expect(answer.status).toBe(422);
    expect(answer.body.error).toEqual({
      code: 'unprocessable',
      message: '请求无法执行，请查看各字段的说明。',
      fields: [{ path: 'until', message: 'must be after now' }],
    });
  });

  it('when a use-case already worded the refusal in Chinese, then it is left as it is', async () => {
    const answer = await refuse('worded', 'zh-CN');
    expect(answer.body.error.message).toBe('规则不允许进入该阶段：以下条件尚未满足。');
  });
});

describe('field messages in the caller’s language', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    app.post('/tasks', express.json(), (req, res) => {
      res.json(parseInput(TaskCreateSchema, 'body', req.body, 'The task'));
    });
    app.get('/tasks', (req, res) => {
      res.json(parseInput(TaskListQuerySchema, 'query', req.query, 'The query'));
    });
    app.use(errorHandler(createLogger('silent')));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const task = { title: '   ', kind: 'fax', dueAt: 'tomorrow', dealId: 'dl_1', ownerEmail: 'boss', colour: 'red' };
  const post = async (language?: string) => {
    const response = await fetch(`${url}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(language ? { 'accept-language': language } : {}) },
      body: JSON.stringify(task),
    });
    return { status: response.status, text: await response.text() };
  };

  it('when a Chinese reader sends an invalid task, then every field says why in Chinese, at the English paths', async () => {
    const [chinese, english] = [await post('zh-CN,zh;q=0.9'), await post('en')];
    expect(chinese.status).toBe(400);
    const fields = (JSON.parse(chinese.text) as { error: { code: string; fields: { path: string }[] } }).error;
    expect(fields.code).toBe('validation_failed');
    expect(fields.fields).toEqual([
      { path: 'title', message: '不能为空' },
      { path: 'kind', message: expect.stringMatching(/^必须是以下之一："call"、/) },
      { path: 'dueAt', message: expect.stringMatching(/^不是有效的时间/) },
      { path: 'dueAt', message: '须在 2000 年至 2100 年之间' },
      { path: 'dealId', message: '不是商机编号（dl_ 加 22 个字符）' },
      { path: 'ownerEmail', message: '不是有效的电子邮件地址' },
      { path: '(body)', message: '未知字段：colour' },
    ]);
    const paths = (text: string) =>
      (JSON.parse(text) as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path);
    expect(paths(chinese.text)).toEqual(paths(english.text));
  });

  it('when the reader is English or says nothing, then the answer is byte for byte the English one', async () => {
    const english = await post('en-GB');
    expect((await post()).text).toBe(english.text);
    expect(english.text).toContain('"message":"must not be empty"');
    expect(english.text).toContain('unknown field(s): colour');
  });

  it('when a query is refused in Chinese, then its fields keep their query. paths', async () => {
    const response = await fetch(`${url}/tasks?limit=0&status=later`, { headers: { 'accept-language': 'zh-CN' } });
    const answer = (await response.json()) as { error: { fields: { path: string; message: string }[] } };
    expect(response.status).toBe(400);
    expect(answer.error.fields.map((f) => f.path)).toEqual(['query.status', 'query.limit']);
    expect(answer.error.fields.every((f) => /[\u4e00-\u9fff]/.test(f.message))).toBe(true);
  });
});

describe('a refused win on a quote, from its code', () => {
  it.each([
    [{ code: 'win-no-such-quote', params: { quoteId: 'qt_9' } }, '该商机没有报价 qt_9'],
    [
      { code: 'win-quote-not-winnable', params: { quote: 'Q-2026-0007', version: 2, status: 'rejected' } },
      '报价 Q-2026-0007 第 2 版已驳回；商机只能以已批准、已发送或已签署的报价赢单',
    ],
    [{ code: 'win-no-approved-quote', params: {} }, '商机须以已批准的报价赢单：请先创建报价并获得批准。'],
    [
      { code: 'win-several-approved-quotes', params: { quotes: 'Q-1 v1, Q-2 v3' } },
      '有多个报价已获批准（Q-1 v1, Q-2 v3）：请在 quoteId 中指明客户接受的那一个',
    ],
    [{ code: 'no-such-code', params: {} }, null],
  ])('when the code is %j, then the Chinese is %s', (why, chinese) => {
    expect(chineseReason(why)).toBe(chinese);
  });
});
