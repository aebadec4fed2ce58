/**
 * zod's field messages in Chinese, as a zod error map: the API parses a refused input again with
 * `schema.safeParse(value, { error: chineseFieldMessage })` when the caller reads Chinese
 * (zod 4's per-parse error customisation), so English stays exactly what zod and the schemas write.
 *
 * A schema's own English message outranks a per-parse map in zod (a `.max(100, "must be at most
 * 100 characters")`); such an issue is worded again from its code and values (maximum, allowed
 * values, format), which say the same. What only the schema's words say stays as written: a
 * pattern's description ("must be a phone number (digits, spaces, + ( ) . -)") is worded from
 * PATTERNS below, and a rule a schema words itself (a refine, a custom issue) from RULES, when it
 * names its code with `because` (`.refine(check, { ...because('rules-kind-or-file'), path })`).
 */
import { z } from 'zod';
import { LOCAL_DATE_PATTERN } from '../domain/analytics/filters';
import { ZONE_NAME } from '../domain/fields';
import type { FieldError } from './errors';

type Issue = z.core.$ZodRawIssue | z.core.$ZodIssue;

/** A quote's tax region, as its pattern and its rule both word it (src/api/routes/quotes.ts). */
export const TAX_REGION_EN =
  'must be a region code: an ISO 3166 country, optionally with a subdivision, e.g. "US-NY", "GB", "DE"';
const TAX_REGION_ZH = '须是地区代码：ISO 3166 国家代码，可加上下级行政区，如 "US-NY"、"GB"、"DE"';

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
      [ZONE_NAME, '须是 IANA 时区，如 "Asia/Shanghai" 或 "Europe/Berlin"'],
      [/^[a-z0-9][a-z0-9-]{0,62}$/, '只能包含小写字母、数字和连字符'],
      [/^[a-z0-9][a-z0-9-]{1,62}$/, '须是 2–63 个小写字母、数字或连字符，如 "webflow-forms"'],
      [/^[a-z0-9][a-z0-9-]{0,31}$/, '须是服务商名称，如 "fake"（小写字母、数字和连字符）'],
      [/^lf_[A-Za-z0-9_-]{43}$/, '须是邮件链接中的令牌（"#" 之后的部分）'],
      [/^[0-9a-f]{8,64}$/, '规则版本哈希须是十六进制数字（或至少 8 位的唯一前缀），如 "3f9a0c1d"'],
      [/^[a-z]+(-[a-z]+)*\.ya?ml$/, '须是规则文件名，如 "scoring.yaml"'],
      [/^sh_[0-9a-f-]{36}$/, '不是影子运行编号（如 "sh_0f8c…"）'],
      [/^se_[0-9a-f-]{36}$/, '须是上一页的 nextCursor'],
      [/^bt_[0-9a-f-]{36}$/, '不是回测编号（如 "bt_0f8c…"）'],
      [/^[1-9]\d{0,8}$/, '须是上一页的 nextCursor'],
      [/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '须是日期，如 2026-03-01（YYYY-MM-DD）'],
      [/^[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?$/, TAX_REGION_ZH],
    ] as const
  ).map(([pattern, words]) => [pattern.toString(), words]),
);

export type Values = Readonly<Record<string, string | number>>;

/**
 * The rules schemas word themselves (a refine, a custom issue), in English and Chinese, by code.
 * A schema names one with `because(code, values)`; the English is what the answer always said.
 */
const RULES = {
  email: { en: () => 'must be a valid email address', zh: () => '不是有效的电子邮件地址' },
  'email-or-external-id': {
    en: () => 'is required unless externalId is given (a lead is identified by its email or its external id)',
    zh: () => '未提供 externalId 时必填（线索以电子邮件或外部编号识别）',
  },
  'country-unknown': {
    en: (v: Values) =>
      `"${v.input}" is not an ISO 3166 country code, e.g. "DE" for Germany or "GB" for the United Kingdom`,
    zh: (v: Values) => `"${v.input}" 不是 ISO 3166 国家代码，如德国为 "DE"、英国为 "GB"`,
  },
  'rules-kind-or-file': {
    en: (v: Values) => `give "kind" (${v.kinds}) or a "fileName" such as "routing.yaml"`,
    zh: (v: Values) => `请填写 "kind"（${v.kinds}）或 "fileName"，如 "routing.yaml"`,
  },
  'reason-not-blank': {
    en: () => 'say why (it goes into the audit trail), not only spaces',
    zh: () => '请说明原因（将记入审计日志），不能只有空格',
  },
  'files-or-hash': {
    en: () => 'give either "files" (a candidate folder) or "hash" (a stored version), not both and not neither',
    zh: () => '请填写 "files"（候选规则文件夹）或 "hash"（已存储的版本）之一，不能都填，也不能都不填',
  },
  'calendar-date': { en: () => 'is not a calendar date', zh: () => '不是真实存在的日期' },
  'rep-or-queue': { en: () => 'give exactly one of repEmail or queue', zh: () => 'repEmail 与 queue 须且只能填写其一' },
  'out-of-office-empty': {
    en: () => 'give "from", "until" or both; use null to clear the out-of-office',
    zh: () => '请填写 "from"、"until" 或两者；用 null 清除外出状态',
  },
  'after-since': { en: () => 'must be after since', zh: () => '必须晚于 since' },
  'on-or-after-since': { en: () => 'must be on or after since', zh: () => '不能早于 since' },
  'after-from': { en: () => 'must be after "from"', zh: () => '必须晚于 "from"' },
  'not-before-from': { en: () => 'must not be before "from"', zh: () => '不能早于 "from"' },
  'range-at-most': {
    en: (v: Values) => `must be at most ${v.days} days after "from"`,
    zh: (v: Values) => `不能晚于 "from" 之后 ${v.days} 天`,
  },
  'time-zone-unknown': {
    en: (v: Values) => `${v.message}; "${v.zone}" is not in the time zone database`,
    zh: (v: Values) => `须是 IANA 时区，如 "Asia/Shanghai"；时区数据库中没有 "${v.zone}"`,
  },
  'attributes-at-most': { en: (v: Values) => `at most ${v.max} attributes`, zh: (v: Values) => `最多 ${v.max} 个属性` },
  'attribute-name': {
    en: () => 'attribute names are letters, digits and _',
    zh: () => '属性名只能包含字母、数字和 _',
  },
  'cursor-other-order': {
    en: (v: Values) =>
      `is the nextCursor of a page in another order (sort=${v.cursorOrder}): pass it back with the sort it came with (sort=${v.sort} pages give their own)`,
    zh: (v: Values) =>
      `是另一种排序（sort=${v.cursorOrder}）下某一页的 nextCursor：请连同它原来的 sort 一起传回（sort=${v.sort} 的页面有自己的 nextCursor）`,
  },
  'at-least-min-score': {
    en: (v: Values) => `must be at least minScore (${v.minScore})`,
    zh: (v: Values) => `不能小于 minScore（${v.minScore}）`,
  },
  'some-field-to-change': { en: () => 'name at least one field to change', zh: () => '请至少填写一个要修改的字段' },
  'some-field-besides-revision': {
    en: () => 'name at least one field to change (besides revision)',
    zh: () => '请至少填写一个要修改的字段（revision 除外）',
  },
  'rep-or-team': { en: () => 'give exactly one of rep and team', zh: () => 'rep 与 team 须且只能填写其一' },
  'close-date-or-category': {
    en: () => 'name at least one of expectedCloseDate and category to change',
    zh: () => '请至少填写 expectedCloseDate 或 category 之一',
  },
  'lead-or-deal': {
    en: () => 'give a leadId or a dealId (a task is about a lead or a deal)',
    zh: () => '请填写 leadId 或 dealId（任务须关联线索或商机）',
  },
  'due-on-needs-next-step': {
    en: () => 'is the date of a next step; give nextStep too, or null both to clear',
    zh: () => '是下一步的日期：请同时填写 nextStep，或将两者都设为 null 以清除',
  },
  'material-key-or-id': {
    en: () => 'give exactly one of materialKey or materialId',
    zh: () => 'materialKey 与 materialId 须且只能填写其一',
  },
  'tax-region-unknown': {
    en: () => TAX_REGION_EN,
    zh: () => TAX_REGION_ZH,
  },
  'quote-only-when-won': {
    en: () => 'names the quote a deal is won on; give it only with to: closed-won',
    zh: () => '指明商机赢单所依据的报价，仅在 to 为 closed-won 时填写',
  },
  'loss-details-only-when-lost': {
    en: () => 'lossReason and competitor describe a loss; give them only with to: closed-lost',
    zh: () => 'lossReason 和 competitor 描述输单情况，仅在 to 为 closed-lost 时填写',
  },
  'loss-reason-required': {
    en: () =>
      'is required when closing a deal as lost: say why it was lost, or give a lossReason code from loss-reasons.yaml (GET /api/loss-reasons)',
    zh: () =>
      '以输单关闭商机时必填：请说明输单原因，或填写 loss-reasons.yaml 中的 lossReason 代码（GET /api/loss-reasons）',
  },
  'answered-needs-response': {
    en: () => 'an answered objection needs the response that answered it',
    zh: () => '已答复的异议须填写答复内容',
  },
  'on-or-after-from': {
    en: (v: Values) => `must be on or after from (${v.from})`,
    zh: (v: Values) => `不能早于 from（${v.from}）`,
  },
  'cohort-only': {
    en: () => 'applies to the cohort view only; leave it out with view=period',
    zh: () => '仅适用于 cohort 视图；view=period 时请省略',
  },
  'period-at-most': {
    en: (v: Values) => `a period may cover at most ${v.years} years: from ${v.from}, the last day is ${v.last}`,
    zh: (v: Values) => `期间最长 ${v.years} 年：从 ${v.from} 起，最后一天是 ${v.last}`,
  },
} satisfies Record<string, { en: (values: Values) => string; zh: (values: Values) => string }>;
export type RuleCode = keyof typeof RULES;

/**
 * A schema's own rule as a zod message and params: `{ message, params: { code, ...values } }`;
 * the English is the message, and a Chinese reader gets RULES' Chinese. `unprocessable` keeps a
 * well-formed value that breaks the rule a 422.
 */
export function because(
  code: RuleCode,
  values: Values = {},
  options: { unprocessable?: true } = {},
): { message: string; params: Record<string, unknown> } {
  return {
    message: RULES[code].en(values),
    params: { ...values, code, ...(options.unprocessable ? { unprocessable: true } : {}) },
  };
}

/** Rules whose words name the refused value (`input`): a stored row problem keeps the value for them. */
const NAMES_INPUT = new Set<string>(['country-unknown']);
export const ruleNamesInput = (code: unknown): boolean => typeof code === 'string' && NAMES_INPUT.has(code);

/** A rule's words in `language` (a hand-written field message: see `brokenRule` in ./input.ts). */
export function ruleWords(code: RuleCode, values: Values, language: 'en' | 'zh-CN'): string {
  return language === 'zh-CN' ? RULES[code].zh(values) : RULES[code].en(values);
}

/** The Chinese of a rule named with `because`, or undefined for a custom issue without a known code. */
function ruleInChinese(issue: Issue): string | undefined {
  const params = (issue as { params?: Record<string, unknown> }).params;
  const code = params?.code;
  if (typeof code !== 'string' || !Object.hasOwn(RULES, code)) return undefined;
  // The refused value, as `input` (the Chinese parse reports it), for a rule that names it.
  const input = 'input' in issue && typeof issue.input === 'string' ? { input: issue.input } : {};
  const values = Object.fromEntries(
    Object.entries({ ...input, ...params }).filter((entry): entry is [string, string | number] =>
      ['string', 'number'].includes(typeof entry[1]),
    ),
  );
  return RULES[code as RuleCode].zh(values);
}

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
    case 'custom':
      return ruleInChinese(issue);
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
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
    const words = CJK.test(issue.message) ? undefined : chineseFieldMessage(issue);
    return words ? { ...issue, message: words } : issue;
  });
  return fieldErrors(new z.ZodError(issues));
}
