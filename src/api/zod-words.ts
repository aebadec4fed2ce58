/**
 * zod's field messages in Chinese, as a zod error map: the API parses a refused input again with
 * `schema.safeParse(value, { error: chineseFieldMessage })` when the caller reads Chinese
 * (zod 4's per-parse error customisation), so English stays exactly what zod and the schemas write.
 *
 * A schema's own English message outranks a per-parse map in zod (a `.max(100, "must be at most
 * 100 characters")`); such an issue is worded again from its code and values (maximum, allowed
 * values, format), which say the same. What only the schema's words say stays as written: a
 * pattern's description ("must be a phone number (digits, spaces, + ( ) . -)") and a rule between
 * fields (a refine's message).
 */
import { z } from 'zod';
import { LOCAL_DATE_PATTERN } from '../domain/analytics/filters';
import type { FieldError } from './errors';

type Issue = z.core.$ZodRawIssue | z.core.$ZodIssue;

const TYPES: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: 'true 或 false',
  array: '列表',
  object: '对象',
  date: '日期',
  null: 'null',
};

const FORMATS: Record<string, string> = {
  email: '有效的电子邮件地址',
  url: '有效的网址（URL）',
  date: '有效的日期（YYYY-MM-DD，如 2026-03-01）',
  datetime: '有效的时间（ISO 8601，如 2026-03-01T09:00:00Z）',
  time: '有效的时刻（HH:MM 或 HH:MM:SS）',
  duration: '有效的时长（ISO 8601，如 P3D）',
  uuid: '有效的 UUID',
};

/**
 * The patterns of the fields a workspace form sends, in Chinese (a pattern's English is the
 * schema's own message). Keyed by the pattern as zod reports it; a pattern not here keeps its English.
 */
const PATTERNS = new Map<string, string>(
  (
    [
      [/\S/, '不能为空'],
      [/[^\s%_\\]/, '须包含要搜索的文字'],
      [/^(?:20\d{2}|2100)-/, '须在 2000 年至 2100 年之间'],
      [LOCAL_DATE_PATTERN, '须是日期，如 2026-03-01（YYYY-MM-DD，1900 年至 2999 年间真实的日期）'],
      [/^ld_[A-Za-z0-9_-]{22}$/, '不是线索编号（ld_ 加 22 个字符）'],
      [/^dl_[A-Za-z0-9_-]{22}$/, '不是商机编号（dl_ 加 22 个字符）'],
      [/^qo_[A-Za-z0-9_-]{22}$/, '不是报价编号（qo_ 加 22 个字符）'],
      [/^mtg_[0-9a-f]{20}$/, '不是会议编号（mtg_ 加 20 个十六进制数字）'],
      [/^[+()\d\s.-]{5,30}$/, '须是电话号码（数字、空格及 + ( ) . -）'],
      [/^[A-Za-z]{2}$/, '须是两个字母的 ISO 3166 国家代码，如 "DE"'],
    ] as const
  ).map(([pattern, words]) => [pattern.toString(), words]),
);

const list = (values: readonly unknown[]) => values.map((value) => JSON.stringify(value) ?? String(value)).join('、');
const bound = (value: number | bigint, origin: string) =>
  origin === 'date' ? new Date(Number(value)).toISOString() : value.toString();

/**
 * The Chinese of one zod issue, or undefined when its schema's own words say more (a pattern's
 * description, a refine). A zod error map: pass it as `{ error }` to `safeParse`.
 */
export function chineseFieldMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if ('input' in issue && issue.input === undefined) return '必填';
      const expected = TYPES[issue.expected] ?? issue.expected;
      return `必须是${expected}`;
    }
    case 'too_small': {
      const min = bound(issue.minimum, issue.origin);
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? '不能为空' : `至少 ${min} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return Number(issue.minimum) <= 1 ? '至少需要 1 项' : `至少 ${min} 项`;
      if (issue.origin === 'date') return issue.inclusive ? `不能早于 ${min}` : `必须晚于 ${min}`;
      return issue.inclusive ? `不能小于 ${min}` : `必须大于 ${min}`;
    }
    case 'too_big': {
      const max = bound(issue.maximum, issue.origin);
      if (issue.origin === 'string') return `最多 ${max} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `最多 ${max} 项`;
      if (issue.origin === 'date') return issue.inclusive ? `不能晚于 ${max}` : `必须早于 ${max}`;
      return issue.inclusive ? `不能大于 ${max}` : `必须小于 ${max}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `必须是 ${list(issue.values)}` : `必须是以下之一：${list(issue.values)}`;
    case 'invalid_format': {
      if (issue.format === 'regex') return PATTERNS.get((issue as { pattern?: string }).pattern ?? '');
      const format = FORMATS[issue.format];
      return format ? `不是${format}` : undefined;
    }
    case 'not_multiple_of':
      return `必须是 ${issue.divisor.toString()} 的倍数`;
    case 'unrecognized_keys':
      return `未知字段：${issue.keys.join(', ')}`;
    // zod's zh-CN locale words these; a refine's own message says what only it knows.
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return undefined;
  }
}

/** The error map for one parse in Chinese: the words above, else zod's own zh-CN locale. */
const chineseErrorMap: z.core.$ZodErrorMap = (issue) =>
  chineseFieldMessage(issue) ?? (issue.code === 'custom' ? undefined : ZH_LOCALE(issue));
const ZH_LOCALE = z.locales.zhCN().localeError;

const CJK = /[\u4e00-\u9fff]/;

/**
 * The field messages of `value` refused by `schema`, in Chinese: the value parsed again with the
 * Chinese error map; an issue a schema worded in English is worded from its code and values when
 * that says the same. `fieldErrors` keeps the paths and their order.
 */
export function chineseFieldErrors(
  schema: z.ZodType,
  value: unknown,
  fieldErrors: (error: z.ZodError) => FieldError[],
): FieldError[] | null {
  const parsed = schema.safeParse(value, { error: chineseErrorMap, reportInput: true });
  if (parsed.success) return null;
  const issues = parsed.error.issues.map((issue) => {
    const words = issue.code === 'custom' || CJK.test(issue.message) ? undefined : chineseFieldMessage(issue);
    return words ? { ...issue, message: words } : issue;
  });
  return fieldErrors(new z.ZodError(issues));
}
