/**
 * A deal's next step: what happens next, in words, and the calendar day it is due (the owner's
 * day). Set by the deal's owner (or their managers, or revops) naming the deal revision they read,
 * as every edit of a deal's own fields does. A next step past its day, or none at all, makes the
 * deal stalling (src/domain/deal-stall.ts).
 */
import type { Actor } from '../auth/actor';
import type { Db } from '../db/client';
import { stallReasons, type StallReason } from '../domain/deal-stall';
import { LeadflowError } from '../domain/errors';
import { localToday } from '../domain/tasks';
import { auditDeal, findDeal, findWritableDeal } from './deal-access';
import { zoneOf } from './tasks';

export interface NextStepView {
  dealId: string;
  /** Name it on the next edit (If-Match or `revision`); also the `ETag`. */
  revision: number;
  nextStep: string | null;
  /** YYYY-MM-DD */
  nextStepDueOn: string | null;
  /** Why the deal is stalling today in its owner's zone, judged on its next step alone (no stage alerts). */
  stalling: StallReason[];
}

export interface NextStepEdit {
  nextStep: string | null;
  dueOn: string | null;
  expectedRevision: number;
}

/** Sets (or, with both null, clears) the deal's next step if the deal is still at `expectedRevision`. */
export async function setNextStep(
  db: Db,
  actor: Actor,
  dealId: string,
  edit: NextStepEdit,
  now: Date,
): Promise<NextStepView> {
  const deal = await findWritableDeal(db, actor, dealId);
  if (deal.stage === 'closed-won' || deal.stage === 'closed-lost')
    throw new LeadflowError('conflict', `Deal ${deal.id} is ${deal.stage}; a closed deal has no next step.`);
  const saved = await db.$transaction(async (tx) => {
    const { count } = await tx.deal.updateMany({
      where: { id: deal.id, revision: edit.expectedRevision, stage: { notIn: ['closed-won', 'closed-lost'] } },
      data: { revision: { increment: 1 }, nextStep: edit.nextStep, nextStepDueOn: edit.dueOn },
    });
    const current = await findDeal(tx, actor.tenant, deal.id);
    if (count === 0) {
      if (current.stage === 'closed-won' || current.stage === 'closed-lost')
        throw new LeadflowError('conflict', `Deal ${deal.id} is ${current.stage}; a closed deal has no next step.`);
      throw new LeadflowError(
        'stale_revision',
        `Deal ${deal.id} is at revision ${current.revision}, not ${edit.expectedRevision}: it changed since you read it. Reload the deal and save with revision ${current.revision}.`,
        { details: [{ path: 'revision', message: `the current revision is ${current.revision}` }] },
      );
    }
    await auditDeal(tx, actor, deal, 'deal.next-step-set', now, {
      revision: current.revision,
      from: { nextStep: deal.nextStep, nextStepDueOn: deal.nextStepDueOn },
      to: { nextStep: current.nextStep, nextStepDueOn: current.nextStepDueOn },
    });
    return current;
  });
  return nextStepView(db, saved, now);
}

/** The deal's next step and the stalling reasons it gives on the owner's today. */
export async function nextStepView(
  db: Pick<Db, 'rep'>,
  deal: {
    id: string;
    tenant: string;
    ownerEmail: string;
    stage: string;
    revision: number;
    nextStep: string | null;
    nextStepDueOn: string | null;
  },
  now: Date,
): Promise<NextStepView> {
  const today = localToday(now, await zoneOf(db, deal.tenant, deal.ownerEmail));
  return {
    dealId: deal.id,
    revision: deal.revision,
    nextStep: deal.nextStep,
    nextStepDueOn: deal.nextStepDueOn,
    stalling: stallReasons({ ...deal, stageAlert: null }, today),
  };
}
