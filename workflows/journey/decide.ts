/**
 * Asking the rules from workflow code: through the `decide` activity, so each decision (outcome,
 * explanation, version) is recorded in history and in the database, and replay never re-reads
 * rule files. Deterministic code only.
 */
import type { DecisionRequest, StoredDecision } from '../../activities/decisions';
import type { Journey } from './context';
import { store } from './effects';

export async function decide<O>(journey: Journey, request: DecisionRequest): Promise<StoredDecision & { outcome: O }> {
  const decision = await store.decide({
    leadId: journey.state.leadId,
    pinnedVersion: journey.state.pinnedRulesVersion,
    idempotencyKey: journey.key(`decision-${request.kind}`),
    request,
  });
  journey.state.lastRulesVersion = decision.version;
  return decision as StoredDecision & { outcome: O };
}
