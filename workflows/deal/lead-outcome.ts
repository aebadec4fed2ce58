/**
 * Where the lead ends when its deal closes: a won deal makes the lead a `customer`, a lost one
 * makes it `lost`. The lead's journey ran on after conversion, but nothing in it moves an SQL on,
 * so the deal moves the lead (stage, stage event, audit entry, in one keyed activity) and tells the
 * journey, which mirrors the stage. Deterministic code only.
 */
import { patched } from '@temporalio/workflow';
import type { DealStage } from '../../src/rules/facts';
import { store } from '../journey/effects';
import { dealClosed } from '../messages';
import { signalIfRunning } from './quotes';

/** Deals replayed from before closed without touching their lead. */
const LEAD_FOLLOWS_CLOSE = 'lead-follows-deal-close';

export async function leadFollowsClose(input: {
  dealId: string;
  stage: Extract<DealStage, 'closed-won' | 'closed-lost'>;
  actor: string;
  reason: string;
  /** The closer's own words (null: none; `reason` is then leadflow's, which the lead's code words). */
  note: string | null;
  rulesVersion: string | null;
}): Promise<void> {
  if (!patched(LEAD_FOLLOWS_CLOSE)) return;
  const lead = await store.closeLeadWithDeal({
    dealId: input.dealId,
    outcome: input.stage === 'closed-won' ? 'won' : 'lost',
    actor: input.actor,
    reason: input.reason,
    note: input.note,
    rulesetVersion: input.rulesVersion,
    at: new Date().toISOString(),
  });
  // A lead journey that no longer runs has nothing to mirror: the database holds the stage.
  await signalIfRunning(lead.journeyId, dealClosed, { dealId: input.dealId, stage: lead.stage });
}
