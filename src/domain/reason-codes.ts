/**
 * What leadflow writes in words itself (why a lead changed stage or owner, which BANT criteria are
 * still unmet, the title of a task a journey gives a rep), also as a code and its values: the
 * English text stays for API clients and stored history, and a client words the code in its
 * reader's language (the workspace does, from its `reasons.*` and `taskTitles.*` catalogue
 * entries). A row from before codes has none and shows its English text. Pure module, used by
 * workflow code: a code is built only from values the caller already has.
 */

/** The values a code is worded with: ids, emails, numbers, or a person's own words (`note`). */
export type WordingParams = Record<string, string | number | null>;

/** A text as a code and its values. `params.note`, when set, is what a person wrote, shown as written. */
export interface Worded<Code extends string = string> {
  code: Code;
  params: WordingParams;
}

/** Why a lead changed stage (StageEvent.reasonCode). */
export const STAGE_REASON_CODES = [
  'captured',
  'first-behaviour',
  'mql-threshold',
  'bant-qualified',
  'disqualified',
  'recycled',
  'converted',
  'deal-closed',
] as const;

/** Why a lead got its owner or queue (Assignment.reasonCode). */
export const ASSIGNMENT_REASON_CODES = [
  'routing-pool',
  'routing-overflow-rep',
  'routing-overflow-queue',
  'routing-rep',
  'routing-queue',
  'routing-unknown-rep',
  'routing-fallback',
  'reassigned',
  'sla-missed',
  'stalled',
] as const;

/**
 * Why a deal changed stage (its StageEvent.reasonCode and its `deal.stage-changed` audit entry's
 * `details.reasonCode`): moved or closed by a person (their own words, when given, are `note`), or
 * closed won by a signed quote.
 */
export const DEAL_STAGE_REASON_CODES = ['deal-moved', 'deal-closed-won', 'deal-closed-lost', 'quote-signed'] as const;
export type DealStageReasonCode = (typeof DEAL_STAGE_REASON_CODES)[number];

/**
 * Why a deal cannot be won on a quote (a refused closed-won move's `quoteId` field, worded by the
 * API in the caller's language, src/api/error-words.ts).
 */
export const QUOTE_REFUSAL_CODES = [
  'win-no-such-quote',
  'win-quote-not-winnable',
  'win-no-approved-quote',
  'win-several-approved-quotes',
] as const;
export type QuoteRefusalCode = (typeof QUOTE_REFUSAL_CODES)[number];

/** A BANT criterion the lead does not meet yet (a qualification decision's `unmetReasons`). */
export const UNMET_CODES = ['bant-unmet', 'criterion-unmet'] as const;

/** Every reason code: the workspace words each as `reasons.<code>`. */
export const REASON_CODES = [
  ...STAGE_REASON_CODES,
  ...ASSIGNMENT_REASON_CODES,
  ...DEAL_STAGE_REASON_CODES,
  ...UNMET_CODES,
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * Titles of tasks the journeys write (Task.titleCode), and of a cadence's next step on the lead
 * page (`cadence-email`): the workspace words each as `taskTitles.<code>`.
 */
export const TASK_TITLE_CODES = ['cadence-step', 'cadence-email', 'cadence-no-email', 'first-touch-overdue'] as const;
export type TaskTitleCode = (typeof TASK_TITLE_CODES)[number];

/**
 * An exit criterion with `severity: warn` a stage move that went ahead did not meet (the move's
 * `warningsText`): the workspace words each as `stageWarnings.<code>`.
 */
export const STAGE_WARNING_CODES = ['stage-exit-unmet'] as const;
export type StageWarningCode = (typeof STAGE_WARNING_CODES)[number];

/**
 * A warning of a move into `stage`: the criterion's `missing` text in every language the rule file
 * gives (`en`, `zh-CN`); `en` is the English text the move's `warnings` carry.
 */
export function stageWarning(
  stage: string,
  english: string,
  texts: Readonly<Record<string, string>> | undefined,
): Worded<'stage-exit-unmet'> {
  return worded('stage-exit-unmet', { stage, ...texts, en: english });
}

export function worded<Code extends string>(code: Code, params: WordingParams = {}): Worded<Code> {
  return { code, params };
}

/**
 * The title of the task a cadence's call or LinkedIn step gives the owner: the cadence, the step
 * (from 1) and the step's text in every language the rule file gives (`en`, `zh-CN`).
 */
export function cadenceStepTitle(
  cadence: string,
  index: number,
  texts: Readonly<Record<string, string>> | undefined,
): Worded<'cadence-step'> {
  return worded('cadence-step', { cadence, step: index + 1, ...texts });
}

/**
 * Why a deal entered a stage, as a code: by `actor` (closed lost and won say so), with the person's
 * own words as `note` when they gave some; `note` is left out when there are none.
 */
export function dealStageReason(
  to: string,
  actor: string,
  note: string | undefined,
): Worded<'deal-moved' | 'deal-closed-won' | 'deal-closed-lost'> {
  const code = to === 'closed-won' ? 'deal-closed-won' : to === 'closed-lost' ? 'deal-closed-lost' : 'deal-moved';
  return worded(code, { actor, stage: to, ...(note?.trim() ? { note } : {}) });
}

/** A stored code and values (nullable columns) as a Worded, or null for a row from before codes. */
export function storedWording(code: string | null | undefined, params: unknown): Worded | null {
  if (!code) return null;
  const values =
    params && typeof params === 'object' && !Array.isArray(params)
      ? Object.fromEntries(
          Object.entries(params).filter(
            (entry): entry is [string, string | number | null] =>
              entry[1] === null || typeof entry[1] === 'string' || typeof entry[1] === 'number',
          ),
        )
      : {};
  return { code, params: values };
}
