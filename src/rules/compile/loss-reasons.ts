/** loss-reasons.yaml → its compiled, serialisable form. */
import type { CompiledLossReasons } from '../ruleset';
import type { LossReasonsFile } from '../schema/loss-reasons';
import type { LineOf } from './line-of';

export function compileLossReasons(file: LossReasonsFile, lineOf: LineOf): CompiledLossReasons {
  return {
    reasons: Object.fromEntries(
      Object.entries(file.reasons).map(([code, reason]) => [
        code,
        { code, label: { ...reason.label }, requires: [...(reason.requires ?? [])], retired: reason.retired ?? false },
      ]),
    ),
    fallback: file.fallback,
    tests: (file.tests ?? []).map((test, i) => ({ ...test, line: lineOf(['tests', i]) })),
  };
}
