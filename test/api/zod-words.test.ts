import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrors } from '../../src/api/errors';
import { LeadInputSchema } from '../../src/api/schemas';
import { because, chineseFieldErrors } from '../../src/api/zod-words';

/** zod's field messages in Chinese through a per-parse error map; English as zod and the schemas write it. */
describe('field messages in Chinese', () => {
  const inChinese = (schema: z.ZodType, value: unknown) =>
    chineseFieldErrors(schema, value, (error) => fieldErrors(error, 'zh-CN'));
  const inEnglish = (schema: z.ZodType, value: unknown) => fieldErrors(schema.safeParse(value).error!);

  const form = z.strictObject({
    name: z.string(),
    seats: z.number().int().min(1).max(500),
    email: z.email(),
    kind: z.enum(['call', 'email']),
    dueOn: z.iso.date(),
    note: z.string().max(3),
    code: z.string().min(2),
  });
  const bad = {
    seats: 900,
    email: 'not-an-address',
    kind: 'fax',
    dueOn: '2026-13-45',
    note: 'long',
    code: 'x',
    extra: 1,
  };

  it('when a form is refused, then each field says why in Chinese, at the same paths as in English', () => {
    const chinese = inChinese(form, bad);
    expect(chinese).toEqual([
      { path: 'name', message: '必填' },
      { path: 'seats', message: '不能大于 500' },
      { path: 'email', message: '不是有效的电子邮件地址' },
      { path: 'kind', message: '必须是以下之一："call"、"email"' },
      { path: 'dueOn', message: '不是有效的日期（YYYY-MM-DD，如 2026-03-01）' },
      { path: 'note', message: '最多 3 个字符' },
      { path: 'code', message: '至少 2 个字符' },
      { path: '(body)', message: '未知字段：extra' },
    ]);
    expect(chinese!.map((f) => f.path)).toEqual(inEnglish(form, bad).map((f) => f.path));
  });

  it('when the English is zod’s own, then it is left exactly as zod writes it', () => {
    expect(inEnglish(form, bad)).toEqual([
      { path: 'name', message: 'Invalid input: expected string, received undefined' },
      { path: 'seats', message: 'Too big: expected number to be <=500' },
      { path: 'email', message: 'Invalid email address' },
      { path: 'kind', message: 'Invalid option: expected one of "call"|"email"' },
      { path: 'dueOn', message: 'Invalid ISO date' },
      { path: 'note', message: 'Too big: expected string to have <=3 characters' },
      { path: 'code', message: 'Too small: expected string to have >=2 characters' },
      { path: '(body)', message: 'unknown field(s): extra' },
    ]);
  });

  it('when a schema words a check in English, then the Chinese says the same from the check’s values', () => {
    const lead = { source: 'fax', email: 'bad', firstName: '   ', attributes: { employees: 0 } };
    expect(inChinese(LeadInputSchema, lead)).toEqual([
      { path: 'email', message: '不是有效的电子邮件地址' },
      { path: 'firstName', message: '不能为空' },
      {
        path: 'source',
        message:
          '必须是以下之一："events"、"content"、"ads"、"partner-referral"、"customer-referral"、"social"、"cold-outreach"',
      },
      { path: 'attributes.employees', message: '不能小于 1' },
    ]);
  });

  it('when a rule between fields names its code, then it is worded in both languages and stays a 422', () => {
    const window = z
      .object({ from: z.number(), until: z.number() })
      .refine((w) => w.until > w.from, { ...because('after-from', {}, { unprocessable: true }), path: ['until'] });
    const late = { from: 2, until: 1 };
    expect(inEnglish(window, late)).toEqual([{ path: 'until', message: 'must be after "from"', unprocessable: true }]);
    expect(inChinese(window, late)).toEqual([{ path: 'until', message: '必须晚于 "from"', unprocessable: true }]);
  });

  it('when a country code ISO does not assign is refused, then the Chinese names it too', () => {
    const lead = { source: 'ads', email: 'a@b.io', country: 'XQ' };
    expect(inEnglish(LeadInputSchema, lead)).toEqual([
      {
        path: 'country',
        message: '"XQ" is not an ISO 3166 country code, e.g. "DE" for Germany or "GB" for the United Kingdom',
        unprocessable: true,
      },
    ]);
    expect(inChinese(LeadInputSchema, lead)).toEqual([
      { path: 'country', message: '"XQ" 不是 ISO 3166 国家代码，如德国为 "DE"、英国为 "GB"', unprocessable: true },
    ]);
  });

  it('when a rule between fields refuses without a code, then its own words stay (a refine says what only it knows)', () => {
    const range = z
      .object({ from: z.number(), until: z.number() })
      .refine((r) => r.until > r.from, { path: ['until'], message: 'must be after "from"' });
    expect(inChinese(range, { from: 2, until: 1 })).toEqual([{ path: 'until', message: 'must be after "from"' }]);
  });

  it('when a number is below an exclusive bound, then the Chinese says it must be greater', () => {
    expect(inChinese(z.object({ rate: z.number().positive() }), { rate: 0 })).toEqual([
      { path: 'rate', message: '必须大于 0' },
    ]);
  });
});
