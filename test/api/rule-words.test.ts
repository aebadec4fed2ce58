import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Db } from '../../src/db/client';
import { errorHandler } from '../../src/api/errors';
import { rowErrorIn } from '../../src/api/row-words';
import { peopleRoutes } from '../../src/api/routes/people';
import { createLogger } from '../../src/logger';
import { resolveLeadIdentity } from '../../src/usecases/lead-identity';
import { LeadflowError } from '../../src/domain/errors';
import type { FieldError } from '../../src/api/errors';
import { fieldErrors } from '../../src/api/errors';
import { AttributesSchema, LeadListQuerySchema } from '../../src/api/schemas';
import { chineseFieldErrors } from '../../src/api/zod-words';
import { StakeholderPatchSchema } from '../../src/api/routes/accounts';
import { ProductPatchSchema } from '../../src/api/routes/catalog';
import { QuotaItemSchema } from '../../src/api/routes/quotas';
import { ForecastPatchSchema } from '../../src/api/routes/forecast';
import { NextStepPutSchema, TaskCreateSchema } from '../../src/api/routes/work';
import { MaterialShareSchema } from '../../src/api/routes/materials';
import { RegionSchema } from '../../src/api/routes/quotes';
import { StageMoveSchema } from '../../src/api/routes/deals';
import { ObjectionSchema } from '../../src/usecases/needs';
import { AnalyticsFiltersSchema } from '../../src/domain/analytics/filters';

/**
 * The rules the API's input schemas word themselves (a refine, a custom issue), each named by a code
 * in src/api/zod-words.ts: a Chinese reader reads Chinese, an English one what the API always said.
 */
describe('rules between fields in both languages', () => {
  const words = (schema: z.ZodType, value: unknown) => ({
    en: fieldErrors(schema.safeParse(value).error!).map(({ path, message }) => ({ path, message })),
    zh: chineseFieldErrors(schema, value, (error) => fieldErrors(error, 'zh-CN'))!.map(({ path, message }) => ({
      path,
      message,
    })),
  });
  const QUOTE = 'qo_abcdefghijklmnopqrstuv';
  const cases: Record<string, [z.ZodType, unknown]> = {
    'too many attributes': [AttributesSchema, Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`a${i}`, 1]))],
    'an attribute name': [AttributesSchema, { 'bad name': 1 }],
    'a cursor of another order': [LeadListQuerySchema, { sort: 'score', cursor: 'ld_abcdefghijklmnopqrstuv' }],
    'maxScore below minScore': [LeadListQuerySchema, { minScore: '50', maxScore: '10' }],
    'a stakeholder patch without changes': [StakeholderPatchSchema, {}],
    'a product patch with only the revision': [ProductPatchSchema, { revision: 1 }],
    'a quota for both a rep and a team': [
      QuotaItemSchema,
      { rep: 'a@x.io', team: 'b@x.io', period: '2026-Q1', currency: 'EUR', amount: '1000.00' },
    ],
    'a forecast patch without changes': [ForecastPatchSchema, {}],
    'a task about nothing': [TaskCreateSchema, { title: 'Call', kind: 'call', dueAt: '2026-03-01T09:00:00Z' }],
    'a due date without a next step': [NextStepPutSchema, { nextStep: null, dueOn: '2026-03-01' }],
    'a share of no material': [MaterialShareSchema, {}],
    'a tax region ISO does not assign': [RegionSchema, 'XQ'],
    'a quote on a move that is not a win': [StageMoveSchema, { to: 'proposal', quoteId: QUOTE }],
    'a loss reason on a move that is not a loss': [StageMoveSchema, { to: 'proposal', lossReason: 'price' }],
    'a loss without a reason': [StageMoveSchema, { to: 'closed-lost' }],
    'an answered objection without its response': [ObjectionSchema, { objection: 'Too dear', status: 'answered' }],
    'a period that ends before it starts': [AnalyticsFiltersSchema, { from: '2026-03-10', to: '2026-03-01' }],
    'a period too long': [AnalyticsFiltersSchema, { from: '2020-01-01', to: '2026-03-01' }],
  };

  const expected: Record<string, { path: string; en: string; zh: string }> = {
    'too many attributes': {
      path: '(body)',
      en: 'at most 100 attributes',
      zh: '最多 100 个属性',
    },
    'an attribute name': {
      path: 'bad name',
      en: 'attribute names are letters, digits and _',
      zh: '属性名只能包含字母、数字和 _',
    },
    'a cursor of another order': {
      path: 'cursor',
      en: 'is the nextCursor of a page in another order (sort=newest): pass it back with the sort it came with (sort=score pages give their own)',
      zh: '是另一种排序（sort=newest）下某一页的 nextCursor：请连同它原来的 sort 一起传回（sort=score 的页面有自己的 nextCursor）',
    },
    'maxScore below minScore': {
      path: 'maxScore',
      en: 'must be at least minScore (50)',
      zh: '不能小于 minScore（50）',
    },
    'a stakeholder patch without changes': {
      path: '(body)',
      en: 'name at least one field to change',
      zh: '请至少填写一个要修改的字段',
    },
    'a product patch with only the revision': {
      path: '(body)',
      en: 'name at least one field to change (besides revision)',
      zh: '请至少填写一个要修改的字段（revision 除外）',
    },
    'a quota for both a rep and a team': {
      path: 'rep',
      en: 'give exactly one of rep and team',
      zh: 'rep 与 team 须且只能填写其一',
    },
    'a forecast patch without changes': {
      path: 'expectedCloseDate',
      en: 'name at least one of expectedCloseDate and category to change',
      zh: '请至少填写 expectedCloseDate 或 category 之一',
    },
    'a task about nothing': {
      path: 'leadId',
      en: 'give a leadId or a dealId (a task is about a lead or a deal)',
      zh: '请填写 leadId 或 dealId（任务须关联线索或商机）',
    },
    'a due date without a next step': {
      path: 'dueOn',
      en: 'is the date of a next step; give nextStep too, or null both to clear',
      zh: '是下一步的日期：请同时填写 nextStep，或将两者都设为 null 以清除',
    },
    'a share of no material': {
      path: 'materialKey',
      en: 'give exactly one of materialKey or materialId',
      zh: 'materialKey 与 materialId 须且只能填写其一',
    },
    'a tax region ISO does not assign': {
      path: '(body)',
      en: 'must be a region code: an ISO 3166 country, optionally with a subdivision, e.g. "US-NY", "GB", "DE"',
      zh: '须是地区代码：ISO 3166 国家代码，可加上下级行政区，如 "US-NY"、"GB"、"DE"',
    },
    'a quote on a move that is not a win': {
      path: 'quoteId',
      en: 'names the quote a deal is won on; give it only with to: closed-won',
      zh: '指明商机赢单所依据的报价，仅在 to 为 closed-won 时填写',
    },
    'a loss reason on a move that is not a loss': {
      path: 'lossReason',
      en: 'lossReason and competitor describe a loss; give them only with to: closed-lost',
      zh: 'lossReason 和 competitor 描述输单情况，仅在 to 为 closed-lost 时填写',
    },
    'a loss without a reason': {
      path: 'reason',
      en: 'is required when closing a deal as lost: say why it was lost, or give a lossReason code from loss-reasons.yaml (GET /api/loss-reasons)',
      zh: '以输单关闭商机时必填：请说明输单原因，或填写 loss-reasons.yaml 中的 lossReason 代码（GET /api/loss-reasons）',
    },
    'an answered objection without its response': {
      path: 'response',
      en: 'an answered objection needs the response that answered it',
      zh: '已答复的异议须填写答复内容',
    },
    'a period that ends before it starts': {
      path: 'to',
      en: 'must be on or after from (2026-03-10)',
      zh: '不能早于 from（2026-03-10）',
    },
    'a period too long': {
      path: 'to',
      en: 'a period may cover at most 5 years: from 2020-01-01, the last day is 2024-12-31',
      zh: '期间最长 5 年：从 2020-01-01 起，最后一天是 2024-12-31',
    },
  };

  it('when a Chinese reader breaks a rule a schema words itself, then the field says why in Chinese; an English reader reads what the API always said', () => {
    const worded = Object.fromEntries(
      Object.entries(cases).map(([what, [schema, value]]) => {
        const { en, zh } = words(schema, value);
        return [what, { path: en[0]!.path, en: en[0]!.message, zh: zh[0]!.message, count: en.length + zh.length }];
      }),
    );
    expect(worded).toEqual(
      Object.fromEntries(Object.entries(expected).map(([what, field]) => [what, { ...field, count: 2 }])),
    );
  });
});

describe('the token revocation route and an identity clash (a batch row, a single capture) in both languages', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    // The route alone (the access check before it answers 404 for an id no token has).
    app.use((req, _res, next) => {
      Object.assign(req, {
        actor: {
          tenant: 't1',
          email: 'ops@x.io',
          name: 'Ops',
          role: 'revops',
          scopes: [],
          kind: 'person',
          tokenId: 'tok_1',
        },
      });
      next();
    });
    app.use(peopleRoutes({ db: {} as Db }));
    app.use(errorHandler(createLogger('silent')));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when a Chinese reader revokes a token by an id longer than any token id, then the field says why in Chinese', async () => {
    const revoke = async (language: string) => {
      const response = await fetch(`${url}/api/tokens/${'x'.repeat(101)}`, {
        method: 'DELETE',
        headers: { 'accept-language': language },
      });
      return { status: response.status, body: (await response.json()) as { error: { fields: unknown } } };
    };
    expect(await revoke('zh-CN')).toMatchObject({
      status: 400,
      body: { error: { fields: [{ path: 'params.id', message: '最多 100 个字符' }] } },
    });
    expect(await revoke('en')).toMatchObject({
      status: 400,
      body: { error: { fields: [{ path: 'params.id', message: 'is not a token id (at most 100 characters)' }] } },
    });
  });

  it('when a batch row names a lead whose external id differs, then the row says so in the reader’s language', async () => {
    const known = { id: 'ld_known', journeyId: 'lead-t1-ld_known', email: 'ana@x.io', externalId: 'crm-1' };
    const refused = await resolveLeadIdentity(() => Promise.resolve({ byEmail: known, byExternalId: null }), 't1', {
      email: 'ana@x.io',
      externalId: 'crm-2',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LeadflowError);
    const [field] = (refused as LeadflowError).details as FieldError[];
    const row = {
      row: 7,
      field: field!.path,
      message: field!.message,
      code: field!.why!.code,
      values: field!.why!.params,
    };
    expect(rowErrorIn(row, 'en')).toEqual({
      row: 7,
      field: 'externalId',
      message: 'lead ld_known has external id "crm-1"',
    });
    expect(rowErrorIn(row, 'zh-CN')).toEqual({
      row: 7,
      field: 'externalId',
      message: '线索 ld_known 的外部编号是 "crm-1"',
    });
  });

  it('when a single capture names a lead whose external id differs, then the 409 field says so in the caller’s language', async () => {
    const known = { id: 'ld_known', journeyId: 'lead-t1-ld_known', email: 'ana@x.io', externalId: 'crm-1' };
    const app = express();
    app.post('/capture', (_req, _res, next) => {
      resolveLeadIdentity(() => Promise.resolve({ byEmail: known, byExternalId: null }), 't1', {
        email: 'ana@x.io',
        externalId: 'crm-2',
      }).then(() => next(new Error('the identity should have been refused')), next);
    });
    app.use(errorHandler(createLogger('silent')));
    const capture = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const post = async (language: string) => {
        const port = (capture.address() as AddressInfo).port;
        const response = await fetch(`http://127.0.0.1:${port}/capture`, {
          method: 'POST',
          headers: { 'accept-language': language },
        });
        return { status: response.status, body: (await response.json()) as { error: { fields: unknown } } };
      };
      expect(await post('zh-CN')).toMatchObject({
        status: 409,
        body: { error: { fields: [{ path: 'externalId', message: '线索 ld_known 的外部编号是 "crm-1"' }] } },
      });
      expect(await post('en')).toMatchObject({
        status: 409,
        body: { error: { fields: [{ path: 'externalId', message: 'lead ld_known has external id "crm-1"' }] } },
      });
    } finally {
      await new Promise<void>((resolve) => capture.close(() => resolve()));
    }
  });
});
