/**
 * The API's refusals in the caller's language (Accept-Language; the workspace sends its own).
 * English is what the use-cases wrote, with the record named. In Chinese, the refusals the
 * workspace meets most are worded whole, with the values their English names (a deal's id, the
 * current revision, a quote's number); any other refusal gets its error code's Chinese headline.
 * A message already in Chinese (a refused stage move, worded by its use-case) is left as it is, and
 * so are the field messages: zod's arrive already in Chinese (./zod-words.ts); a use-case's stay as
 * written, except the current revision's.
 */
import type { Language } from '../domain/languages';
import type { Worded } from '../domain/reason-codes';
import type { FieldError } from './errors';

export interface ErrorAnswer {
  code: string;
  message: string;
  fields?: FieldError[];
}

/** Chinese headlines by error code; `{revision}` is the current revision the answer names. */
const ZH_CN: Record<string, { message: string; revisionField?: string }> = {
  stale_revision: {
    message: '该记录在您读取之后已被他人修改（当前版本 {revision}）。请重新加载，再次修改后保存。',
    revisionField: '当前版本为 {revision}',
  },
  precondition_required: { message: '请求缺少它所依据的版本（If-Match）。请重新加载后再试。' },
  stage_refused: { message: '规则不允许进入该阶段：以下条件尚未满足。' },
  database_unavailable: { message: '数据库暂时无法连接，请稍后重试。' },
  validation_failed: { message: '请求有误，请查看各字段的说明。' },
  malformed_json: { message: '请求内容不是有效的 JSON。' },
  unauthorized: { message: '请重新登录。' },
  forbidden: { message: '您的角色无权执行此操作。' },
  not_found: { message: '找不到所请求的记录：它可能已被删除，或不在您的可见范围内。' },
  conflict: { message: '该记录当前的状态不允许此操作。请重新加载后查看。' },
  unprocessable: { message: '请求无法执行，请查看各字段的说明。' },
  not_allowed: { message: '规则不允许此操作。' },
  rate_limited: { message: '请求过于频繁，请稍后再试。' },
  idempotency_key_reused: { message: '该幂等键（Idempotency-Key）已用于另一个请求。' },
  idempotency_key_in_use: { message: '同一请求正在处理中，请稍后再试。' },
  temporal_unavailable: { message: '工作流引擎暂时无法连接，请稍后重试。' },
  rules_unavailable: { message: '规则暂时无法使用，请稍后重试或联系管理员。' },
  overloaded: { message: '系统正忙，请稍后重试。' },
  payload_too_large: { message: '请求内容过大，请分批提交。' },
  mail_unavailable: { message: '邮件服务器暂时无法发送邮件，请稍后重试。' },
  internal: { message: '系统出现内部错误，请稍后重试或联系管理员。' },
};

const CLOSED: Record<string, string> = { 'closed-won': '以赢单关闭', 'closed-lost': '以输单关闭' };

/** Stage and status ids as the workspace's Chinese catalogue words them (stages, meeting, quote and step statuses). */
const STATUS: Record<string, string> = {
  'needs-analysis': '需求分析',
  presentation: '方案演示',
  proposal: '报价',
  negotiation: '谈判',
  'closed-won': '赢单',
  'closed-lost': '输单',
  scheduled: '已安排',
  held: '已举行',
  cancelled: '已取消',
  'no-show': '客户缺席',
  rescheduled: '已改期',
  draft: '草稿',
  'pending-approval': '待审批',
  approved: '已批准',
  rejected: '已驳回',
  sent: '已发送',
  signed: '已签署',
  expired: '已过期',
  superseded: '已被替代',
  withdrawn: '已撤回',
  pending: '待处理',
  skipped: '已跳过',
  escalated: '已升级',
  delegated: '已委托',
};
const status = (id: string | undefined) => STATUS[id ?? ''] ?? id ?? '';

/** Records the English names in "No deal d_1." and the like, and their Chinese names. */
const RECORDS: Record<string, string> = {
  deal: '商机',
  lead: '线索',
  'lead with id': '线索',
  quote: '报价',
  'quote version': '报价版本',
  'approval request': '审批请求',
  'meeting with id': '会议',
  person: '人员',
  task: '任务',
  stakeholder: '干系人',
  'capture with id': '提交记录',
};

/**
 * English refusals the workspace commonly shows, and their Chinese, per error code. The first
 * whose pattern matches the whole message words it; `$1`… are the pattern's groups.
 */
const PATTERNS: Record<string, { pattern: RegExp; zh: (groups: string[]) => string }[]> = {
  not_found: [
    {
      pattern:
        /^No (deal|lead with id|lead|quote version|quote|approval request|meeting with id|person|task|capture with id) (\S+?)(?: in tenant \S+)?\.$/,
      zh: ([record, id]) => `找不到${RECORDS[record!] ?? '记录'} ${id}。`,
    },
    { pattern: /^Deal (\S+) has no meeting (\S+)\.$/, zh: ([deal, meeting]) => `商机 ${deal} 没有会议 ${meeting}。` },
    {
      pattern: /^Quote (\S+) has no version (\S+)\.$/,
      zh: ([quote, version]) => `报价 ${quote} 没有第 ${version} 版。`,
    },
    {
      pattern: /^Approval request (\S+) has no step (\S+)\.$/,
      zh: ([request, step]) => `审批请求 ${request} 没有步骤 ${step}。`,
    },
    {
      pattern: /^No stakeholder (\S+) at the account of deal (\S+)\.$/,
      zh: ([contact, deal]) => `商机 ${deal} 的客户中没有干系人 ${contact}。`,
    },
  ],
  conflict: [
    {
      pattern:
        /^Deal (\S+) is (closed-won|closed-lost); a closed deal (?:does not change|has no next step|has no forecast to change)\.$/,
      zh: ([deal, stage]) => `商机 ${deal} 已${CLOSED[stage!]}，已关闭的商机不能再更改。`,
    },
    {
      pattern: /^the deal is (closed-won|closed-lost); (?:a closed deal does not move|its quotes cannot change)$/,
      zh: ([stage]) => `该商机已${CLOSED[stage!]}，已关闭的商机不能再更改。`,
    },
    { pattern: /^the deal is already in (\S+)$/, zh: ([stage]) => `该商机已处于${status(stage)}阶段。` },
    { pattern: /^closing a deal as lost needs a reason$/, zh: () => '以输单关闭商机需要填写原因。' },
    {
      pattern: /^(?:Workflow \S+|The journey of lead \S+) is not running\.$/,
      zh: () => '该记录的流程已结束，无法再更改。',
    },
    {
      pattern: /^The meeting is (\S+); only a scheduled meeting can change\.$/,
      zh: ([meeting]) => `该会议${status(meeting)}，只有已安排的会议可以更改。`,
    },
    {
      pattern: /^The meeting was already recorded as (\S+)\.$/,
      zh: ([meeting]) => `该会议已记录为${status(meeting)}。`,
    },
    { pattern: /^This step is already (\S+)\.$/, zh: ([step]) => `该审批步骤${status(step)}。` },
  ],
  not_allowed: [
    {
      pattern: /^Deal (\S+) is (closed-won|closed-lost): its quotes can no longer change\.$/,
      zh: ([deal, stage]) => `商机 ${deal} 已${CLOSED[stage!]}，其报价不能再更改。`,
    },
  ],
};

/** Why a deal cannot be won on a quote (QUOTE_REFUSAL_CODES), in Chinese. */
const REASONS_ZH_CN: Record<string, (p: (name: string) => string) => string> = {
  'win-no-such-quote': (p) => `该商机没有报价 ${p('quoteId')}`,
  'win-quote-not-winnable': (p) =>
    `报价 ${p('quote')} 第 ${p('version')} 版${status(p('status'))}；商机只能以已批准、已发送或已签署的报价赢单`,
  'win-no-approved-quote': () => '商机须以已批准的报价赢单：请先创建报价并获得批准。',
  'win-several-approved-quotes': (p) => `有多个报价已获批准（${p('quotes')}）：请在 quoteId 中指明客户接受的那一个`,
};

/** The message for `key` in Chinese, or null when it has none. */
export function chineseMessage(key: string): string | null {
  return ZH_CN[key]?.message ?? null;
}

/** A refusal written as a code and values, in Chinese; null for a code without Chinese words. */
export function chineseReason({ code, params }: Worded): string | null {
  const words = REASONS_ZH_CN[code];
  const value = params;
  return words ? words((name) => String(value[name] ?? '')) : null;
}

/** A message already written in Chinese (CJK ideographs): a use-case worded it for the caller. */
const isChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

/** An error answer in `language`: English as written, Chinese as above. */
export function answerIn(answer: ErrorAnswer, language: Language): ErrorAnswer {
  const words = language === 'zh-CN' ? ZH_CN[answer.code] : undefined;
  if (!words || isChinese(answer.message)) return answer;
  const revision = currentRevision(answer.fields);
  const fill = (text: string) => text.replace('{revision}', revision ?? '?');
  const headline = revision === null ? fill(words.message).replace('（当前版本 ?）', '') : fill(words.message);
  return {
    ...answer,
    message: patternWords(answer.code, answer.message) ?? headline,
    ...(answer.fields
      ? {
          fields: answer.fields.map((field) =>
            field.path === 'revision' && words.revisionField && revision !== null
              ? { ...field, message: fill(words.revisionField) }
              : field,
          ),
        }
      : {}),
  };
}

/** The Chinese of a common English refusal with its values, or null when no pattern matches. */
function patternWords(code: string, message: string): string | null {
  for (const { pattern, zh } of PATTERNS[code] ?? []) {
    const match = pattern.exec(message);
    if (match) return zh(match.slice(1));
  }
  return null;
}

/** "the current revision is 3" → "3" (the use-cases name it so on the `revision` field). */
function currentRevision(fields: FieldError[] | undefined): string | null {
  const field = fields?.find((f) => f.path === 'revision');
  return field ? (/(\d+)\s*$/.exec(field.message)?.[1] ?? null) : null;
}
