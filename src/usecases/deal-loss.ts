/**
 * Closing a deal lost: the loss is filed under a loss-reasons.yaml code (checked here, before the
 * workflow is asked), with the competitor and the closer's words. A close given only in words, as
 * API clients from before loss codes send it, is filed under the file's fallback code.
 */
import { LeadflowError } from '../domain/errors';
import { classifyLoss, type LossInput } from '../rules/evaluate-loss-reasons';
import { NoActiveRulesetError } from '../rules/registry';
import type { Ruleset } from '../rules/ruleset';

/** What the workflow records for a loss: words for the stage event, the code and the competitor. */
export interface FiledLoss {
  reason: string;
  lossReason: string | null;
  competitor: string | null;
  /** The closer's own words, when they gave some (`reason` is written from the code otherwise). */
  words: string | null;
  /** The loss code's label per language, for wording the stage event in the reader's language. */
  label: Record<string, string> | null;
}

/**
 * The loss as it will be recorded, or 400 naming the fields that are missing or wrong. Without
 * loss-reasons.yaml in the active rules (a version stored before it), words alone still close the
 * deal (with no code); a code cannot be checked then, so it is a 503.
 */
export function fileLoss(active: () => Ruleset, input: LossInput): FiledLoss {
  let ruleset: Ruleset | null;
  try {
    ruleset = active();
  } catch (error) {
    if (!(error instanceof NoActiveRulesetError)) throw error;
    ruleset = null;
  }
  const words = input.reason?.trim() || null;
  if (!ruleset?.lossReasons) {
    if (input.lossReason || !words)
      throw new LeadflowError(
        'rules_unavailable',
        `The active rules ${ruleset ? `(version ${ruleset.version}) have no loss-reasons.yaml` : 'are not loaded'}, so a loss reason code cannot be checked; close with a reason in words, or add rules/loss-reasons.yaml.`,
      );
    return { reason: words, lossReason: null, competitor: input.competitor?.trim() || null, words, label: null };
  }
  const { outcome } = classifyLoss(ruleset, input);
  if (outcome.kind === 'refused')
    throw new LeadflowError('unprocessable', 'The loss does not fit loss-reasons.yaml; see fields.', {
      details: outcome.problems.map((p) => ({ path: p.field, message: p.message })),
    });
  return {
    reason: outcome.reason ?? `lost: ${outcome.label.en} (${outcome.lossReason})`,
    lossReason: outcome.lossReason,
    competitor: outcome.competitor,
    words: outcome.reason,
    label: { ...outcome.label },
  };
}

/** The codes people may file a loss under, in the file's order, with their labels (retired ones last, marked). */
export function lossReasonCatalogue(active: () => Ruleset) {
  const ruleset = active();
  if (!ruleset.lossReasons)
    throw new LeadflowError(
      'rules_unavailable',
      `The active rules (version ${ruleset.version}) have no loss-reasons.yaml; add rules/loss-reasons.yaml.`,
    );
  const reasons = Object.values(ruleset.lossReasons.reasons);
  return {
    rulesetVersion: ruleset.version,
    fallback: ruleset.lossReasons.fallback,
    reasons: [...reasons.filter((r) => !r.retired), ...reasons.filter((r) => r.retired)].map((r) => ({
      code: r.code,
      label: r.label,
      requires: r.requires,
      retired: r.retired,
    })),
  };
}
