/**
 * What changed between two ruleset versions, in words for the log and the activation history:
 * which files changed, and each change in RevOps words ("scoring.yaml: MQL threshold 80 → 75"),
 * from the semantic diff (./semantic-diff.ts), so `leadflow rules diff` and the activation
 * summaries always say the same thing.
 */
import type { Ruleset } from './ruleset';
import { diffRuleTexts } from './semantic-diff';
import { RULE_KINDS, type RuleKind } from './types';

export interface ChangeSummary {
  from: string | null;
  to: string;
  changedFiles: string[];
  /** e.g. `routing.yaml: rule mid-market condition company.employees >= 200 → company.employees >= 250` */
  changes: string[];
}

/** Lists the differences from `before` (null on first load) to `after`. */
export function summariseChange(before: Ruleset | null, after: Ruleset): ChangeSummary {
  const fileName = (kind: RuleKind) => (after.files[kind] ?? before?.files[kind])?.fileName ?? `${kind}.yaml`;
  if (!before) return { from: null, to: after.version, changedFiles: RULE_KINDS.filter((k) => after.files[k]).map(fileName), changes: ['first load'] };
  const changedFiles = RULE_KINDS.filter((k) => before.files[k]?.hash !== after.files[k]?.hash);
  const changes = diffRuleTexts(before.texts, after.texts).map((change) => change.text);
  return { from: before.version, to: after.version, changedFiles: changedFiles.map(fileName), changes };
}
