/**
 * Loss reasons: which code a deal closed lost is filed under, checked against loss-reasons.yaml.
 * A code must exist and be in use, and come with what it requires (the competitor, a reason in
 * words); a loss given only in words is filed under the fallback code. Pure.
 */
import { suggestion } from './did-you-mean';
import type { Decision } from './explain';
import { lossReasonRules } from './evaluate-forecast';
import type { Ruleset } from './ruleset';
import type { LabelLocale } from './schema/loss-reasons';

/** What the person closing the deal gives, as the stage move names it. */
export interface LossInput {
  /** The code, e.g. `competitor`. */
  lossReason?: string | null;
  /** The competitor who won. */
  competitor?: string | null;
  /** What happened, in words. */
  reason?: string | null;
}

export type LossField = 'lossReason' | 'competitor' | 'reason';

export type LossOutcome =
  /** `fallback`: no code was given, so the words were filed under the fallback code. */
  | { kind: 'accepted'; lossReason: string; label: Record<LabelLocale, string>; fallback: boolean; competitor: string | null; reason: string | null }
  | { kind: 'refused'; problems: { field: LossField; message: string }[] };

const present = (text: string | null | undefined): string | null => {
  const trimmed = text?.trim() ?? '';
  return trimmed.length > 0 ? trimmed : null;
};

/** Files a loss under its code, or says which fields are missing or wrong. */
export function classifyLoss(ruleset: Pick<Ruleset, 'lossReasons' | 'version'>, input: LossInput): Decision<LossOutcome> {
  const rules = lossReasonRules(ruleset);
  const [given, competitor, reason] = [present(input.lossReason), present(input.competitor), present(input.reason)];
  const inUse = Object.values(rules.reasons).filter((r) => !r.retired).map((r) => r.code);
  const refuse = (problems: { field: LossField; message: string }[]): Decision<LossOutcome> => ({
    outcome: { kind: 'refused', problems },
    explanation: { summary: `The loss is not filed: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, reasons: [], rules: [] },
    version: ruleset.version,
  });
  if (given === null && reason === null)
    return refuse([{ field: 'lossReason', message: `is required when closing a deal as lost: give a loss reason code (${inUse.join(', ')}) or a reason in words` }]);
  const code = given ?? rules.fallback;
  const spec = rules.reasons[code];
  if (!spec) {
    const hint = suggestion(code, inUse);
    const near = hint?.startsWith('did') ? ` (${hint})` : '';
    return refuse([{ field: 'lossReason', message: `"${code}" is not a loss reason in loss-reasons.yaml${near}; known: ${inUse.join(', ')}` }]);
  }
  if (spec.retired) return refuse([{ field: 'lossReason', message: `"${code}" is retired in loss-reasons.yaml; use one of: ${inUse.join(', ')}` }]);
  const problems: { field: LossField; message: string }[] = [];
  if (spec.requires.includes('competitor') && competitor === null)
    problems.push({ field: 'competitor', message: `is required for loss reason "${code}" (${spec.label.en}): name the competitor who won` });
  if (spec.requires.includes('reason') && reason === null)
    problems.push({ field: 'reason', message: `is required for loss reason "${code}" (${spec.label.en}): say what happened` });
  if (problems.length > 0) return refuse(problems);
  const fallback = given === null;
  return {
    outcome: { kind: 'accepted', lossReason: code, label: { ...spec.label }, fallback, competitor, reason },
    explanation: {
      summary: `Filed under "${code}" (${spec.label.en})${fallback ? ', the fallback for a loss given only in words' : ''}${competitor ? `, lost to ${competitor}` : ''}.`,
      reasons: [],
      rules: [],
    },
    version: ruleset.version,
  };
}
