/**
 * Texts leadflow writes itself, worded in the chosen language from their code and values (the
 * API's `reasons` on a timeline event, `unmetReasons` of a BANT answer, `titleText` on a task;
 * codes in src/domain/reason-codes.ts): "规则“emea-inbound”：资源池 emea 轮到 Alice Chen". Stage,
 * event and BANT values go through their label groups, people through their names. An unknown code
 * shows its code; a row without a code shows the English text the caller falls back to.
 */
import { formatDateTime, label, language, t } from './i18n';
import { nameOf } from './people';
import { ruleName } from './rule-labels';

export interface Worded {
  code: string;
  params: Record<string, string | number | null>;
}

const text = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '' : String(value);

/** Where a lead was or went: a person, a queue, or nobody. */
function place(rep: string | number | null | undefined, queue: string | number | null | undefined): string {
  if (rep) return nameOf(text(rep));
  if (queue) return t('reasonParts.queue', { queue: ruleName('queues', text(queue)) });
  return t('reasonParts.nobody');
}

/**
 * Who a pool passed over and why ("a@x inactive, b@y at-capacity 5/5, c@z out-of-office <iso>", as
 * the routing activity writes `skipped`), each by name in the chosen language; none when empty.
 */
function skippedParts(skipped: string | number | null | undefined): string[] {
  if (!skipped) return [];
  const list = String(skipped)
    .split(', ')
    .map((entry) => {
      const [email = '', kind = '', detail = ''] = entry.split(' ');
      const rep = nameOf(email);
      if (kind === 'at-capacity') {
        const [open = '', cap = ''] = detail.split('/');
        return t('reasonParts.skip.at-capacity', { rep, open, cap });
      }
      if (kind === 'out-of-office' && detail)
        return t('reasonParts.skip.out-of-office-until', { rep, until: formatDateTime(detail) });
      return kind === 'inactive' || kind === 'out-of-office' ? t(`reasonParts.skip.${kind}`, { rep }) : rep;
    });
  return [t('reasonParts.skipped', { list: list.join(t('reasonParts.comma')) })];
}

/** The pools a lead went through when one overflowed into the next ("emea,apac"). */
function triedParts(tried: string | number | null | undefined): string[] {
  const pools = tried ? String(tried).split(',') : [];
  return pools.length > 1
    ? [t('reasonParts.tried', { pools: pools.map((pool) => ruleName('pools', pool)).join(' → ') })]
    : [];
}

/** One reason in the chosen language. */
export function reasonText({ code, params }: Worded): string {
  const p = (name: string) => text(params[name]);
  const values: Record<string, string> = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, text(v)]));
  // Pools and queues as the rule files label them (routing.yaml `label: { en, zh-CN }`).
  if (values.pool) values.pool = ruleName('pools', values.pool);
  if (values.queue) values.queue = ruleName('queues', values.queue);
  if (values.alert) values.alert = ruleName('stalled', values.alert);
  switch (code) {
    case 'first-behaviour':
      return t('reasons.first-behaviour', { type: label('events', p('type')) });
    case 'captured':
      return t('reasons.captured', { source: label('sources', p('source')) });
    case 'bant-qualified':
    case 'disqualified':
    case 'converted':
      return t(`reasons.${code}`, { actor: nameOf(p('actor')) });
    case 'deal-closed':
      return t('reasons.deal-closed', {
        outcome: label('stages', params.outcome === 'won' ? 'closed-won' : 'closed-lost'),
      });
    case 'routing-pool':
      return [
        t('reasons.routing-pool', {
          ...values,
          rep: nameOf(p('rep')),
          pool: ruleName('pools', params.via ? p('via') : p('pool')),
        }),
        ...(params.via ? [t('reasonParts.via', { pool: ruleName('pools', p('pool')) })] : []),
        // Rows from before `skipped` carry only how many were passed over.
        ...(params.skipped
          ? skippedParts(params.skipped)
          : Number(params.passedOver) > 0
            ? [t('reasonParts.passedOver', { n: Number(params.passedOver) })]
            : []),
        ...triedParts(params.tried),
        ...(params.excluded ? [t('reasonParts.excluded', { rep: nameOf(p('excluded')) })] : []),
      ].join(t('reasonParts.separator'));
    case 'routing-overflow-rep':
    case 'routing-overflow-queue':
    case 'routing-rep':
      return [
        t(`reasons.${code}`, { ...values, rep: nameOf(p('rep')) }),
        ...(params.away ? [t('reasonParts.away')] : []),
        ...skippedParts(params.skipped),
        ...triedParts(params.tried),
        ...(params.excluded ? [t('reasonParts.excluded', { rep: nameOf(p('excluded')) })] : []),
      ].join(t('reasonParts.separator'));
    case 'reassigned':
    case 'sla-missed':
    case 'stalled':
      return t(`reasons.${code}`, {
        ...values,
        actor: nameOf(p('actor')),
        sla: ruleName('slas', p('sla')),
        stage: label('stages', p('stage')),
        from: place(params.from, params.fromQueue),
        to: place(params.to, params.toQueue),
      });
    case 'deal-moved':
    case 'deal-closed-won':
    case 'quote-signed':
      return t(`reasons.${code}`, { ...values, actor: nameOf(p('actor')) });
    case 'deal-closed-lost': {
      // The loss code's label in the reader's language (as loss-reasons.yaml words it), else the code.
      const loss = p(`loss.${language.value}`) || p('loss.en') || p('lossReason');
      return [
        t('reasons.deal-closed-lost', { actor: nameOf(p('actor')) }),
        ...(loss ? [t('reasonParts.lossReason', { loss })] : []),
      ].join(t('reasonParts.separator'));
    }
    case 'bant-unmet': {
      const field = p('field');
      const valueOf = (value: string) => label(`bant.${field}Values`, value);
      return t('reasons.bant-unmet', {
        field: label('bant', field),
        expected: p('expected').split(',').map(valueOf).join(t('reasonParts.or')),
        seen: params.seen ? valueOf(p('seen')) : t('reasonParts.noValue'),
      });
    }
    default: {
      const key = `reasons.${code}`;
      const worded = t(key, values);
      return worded === key ? code : worded;
    }
  }
}

/**
 * "Take" on a queue's list records why in the taker's language, naming the queue by its id
 * (`leads.takeReason`): "Taken from the emea-inbound queue in the workspace". As a note it reads
 * in the chosen language with the queue's label; inside a longer English reason (rows from before
 * reason codes) the queue is named by its label. Any other note shows as written.
 */
const TAKEN_FROM_QUEUE = [/^Taken from the (\S+) queue in the workspace$/, /^在工作台从队列 (\S+) 领取$/];
const TAKEN_INSIDE = /Taken from the (\S+) queue in the workspace/g;

/** A timeline note in the chosen language when the workspace wrote it (see TAKEN_FROM_QUEUE), else as written. */
export function noteText(note: string): string {
  for (const pattern of TAKEN_FROM_QUEUE) {
    const queue = pattern.exec(note)?.[1];
    if (queue) return t('leads.takeReason', { queue: ruleName('queues', queue) });
  }
  return note.replace(
    TAKEN_INSIDE,
    (_all, queue: string) => `Taken from the ${ruleName('queues', queue)} queue in the workspace`,
  );
}

/** Several reasons in the chosen language, one after the other. */
export function reasonsText(reasons: readonly Worded[]): string {
  return reasons.map(reasonText).join(t('reasonParts.list'));
}

/**
 * A task's title in the chosen language: a cadence step in the rule file's text for it, another
 * journey task from the catalogue; a task written by hand (or before codes) as written.
 */
export function taskTitle(task: { title: string; titleText?: Worded | null }): string {
  const worded = task.titleText;
  if (!worded) return task.title;
  const p = (name: string) => text(worded.params[name]);
  switch (worded.code) {
    case 'cadence-step':
      return p(language.value) || task.title;
    case 'first-touch-overdue':
      return t('taskTitles.first-touch-overdue', { sla: ruleName('slas', p('sla')) });
    case 'cadence-no-email':
      return t('taskTitles.cadence-no-email', { subject: p('subject') });
    case 'cadence-email':
      // The subject the lead will get (in the lead's language), when the live rules have the template.
      return worded.params.subject
        ? t('reasonParts.cadenceEmailSubject', { subject: p('subject'), template: p('template') })
        : t('taskTitles.cadence-email', { template: p('template') });
    default:
      return task.title;
  }
}

/** Why a score item scored, as the API gives it (`why` on a score item, src/rules/score-items.ts). */
export type ScoreWhy =
  | { kind: 'condition'; fact: string; op: string; value: string }
  | { kind: 'behaviour'; count: number; each: number; lost: number; cap: number | null }
  | { kind: 'source'; channel: string };

/** A rule operator in words ("is at least", "不少于"); an unknown one as written. */
const OPERATOR_WORDS: Record<string, () => string> = {
  '==': () => t('ruleOps.eq'),
  '!=': () => t('ruleOps.ne'),
  '>': () => t('ruleOps.gt'),
  '>=': () => t('ruleOps.gte'),
  '<': () => t('ruleOps.lt'),
  '<=': () => t('ruleOps.lte'),
  in: () => t('ruleOps.in'),
  'not in': () => t('ruleOps.notIn'),
  contains: () => t('ruleOps.contains'),
  'does not contain': () => t('ruleOps.notContains'),
};

/**
 * A score item's hover text in the chosen language: the attribute tier's condition, the
 * behaviour's events × points (less decay, up to the cap), the source's channel. An item without
 * `why` (a tier with several conditions) shows the rules' own `detail`.
 */
export function scoreWhyText(item: { detail: string; why?: ScoreWhy | null }): string {
  const why = item.why;
  if (!why) return item.detail;
  switch (why.kind) {
    case 'condition':
      return t('scoreWhy.condition', {
        fact: why.fact,
        op: OPERATOR_WORDS[why.op]?.() ?? why.op,
        value: why.value,
      });
    case 'behaviour':
      return [
        t('scoreWhy.behaviour', { count: why.count, each: why.each }),
        ...(why.lost > 0 ? [t('scoreWhy.lost', { lost: why.lost })] : []),
        ...(why.cap !== null ? [t('scoreWhy.cap', { cap: why.cap })] : []),
      ].join(t('scoreWhy.join'));
    case 'source':
      return t('scoreWhy.source', { source: label('sources', why.channel) });
  }
}

/**
 * A warning of a stage move that went ahead (`warningsText`, code `stage-exit-unmet`): the
 * criterion's text in the chosen language as the rule file writes it, else its English.
 */
export function stageWarningText({ code, params }: Worded): string {
  const p = (name: string) => text(params[name]);
  switch (code) {
    case 'stage-exit-unmet':
      return t('stageWarnings.stage-exit-unmet', {
        text: p(language.value) || p('en'),
        stage: label('stages', p('stage')),
      });
    default:
      return p('en') || code;
  }
}
