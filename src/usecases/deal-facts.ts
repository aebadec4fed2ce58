/**
 * The `deal.*` facts the rules test (stage exit criteria and stalled alerts in approvals.yaml and
 * escalation.yaml), read from what the deal desk has recorded.
 */
import type { Db } from '../db/client';
import { isCurrencyCode, toWholeUnits } from '../domain/money';
import { decisionMakerStatus } from '../domain/stakeholders';
import { DEAL_STAGES, type DealStage } from '../rules/facts';
import { LeadflowError } from '../domain/errors';
import { toStakeholder } from './stakeholders';

/** Version statuses in which a quote's discount counts as approved (or needing no approval). */
export const APPROVED_QUOTE_STATUSES = ['approved', 'sent', 'signed'] as const;

/** The deal's facts, shaped as the rules' `deal` fact group (src/rules/facts.ts). */
export interface DealFacts {
  stage: DealStage;
  /** A non-blank needs-analysis summary is recorded. */
  needsSummary: boolean;
  /** A stakeholder at the account has the role decision-maker or economic-buyer. */
  decisionMakerIdentified: boolean;
  /** One of those has engaged (`Contact.engagedAt` set: a meeting attended, a reply). */
  decisionMakerEngaged: boolean;
  /** A meeting of kind demo or presentation was held. */
  demoCompleted: boolean;
  /** A version of one of the deal's quotes has been sent. */
  quoteSent: boolean;
  /** One of the deal's quotes has its current version approved, sent or signed. */
  quoteApproved: boolean;
  /** Expected value in whole currency units (rounded down); absent until the deal has an amount. */
  amount?: number;
}

/** Reads the deal's facts; 404 (`not_found`) when there is no such deal. */
export async function dealFacts(db: Db, dealId: string): Promise<DealFacts> {
  const deal = await db.deal.findUnique({ where: { id: dealId } });
  if (!deal) throw new LeadflowError('not_found', `No deal ${dealId}.`);
  const [contacts, demosHeld, sentVersions, quotes] = await Promise.all([
    db.contact.findMany({ where: { accountId: deal.accountId } }),
    db.meeting.count({ where: { dealId, kind: { in: ['demo', 'presentation'] }, status: 'held' } }),
    db.quoteVersion.count({ where: { quote: { dealId }, sentAt: { not: null } } }),
    db.quote.findMany({ where: { dealId }, select: { id: true, currentVersion: true } }),
  ]);
  const approvedCurrent =
    quotes.length === 0
      ? 0
      : await db.quoteVersion.count({
          where: {
            OR: quotes.map((q) => ({ quoteId: q.id, version: q.currentVersion })),
            status: { in: [...APPROVED_QUOTE_STATUSES] },
          },
        });
  const deciders = decisionMakerStatus(contacts.map(toStakeholder));
  const facts: DealFacts = {
    stage: storedStage(deal.id, deal.stage),
    needsSummary: (deal.needsSummary ?? '').trim().length > 0,
    decisionMakerIdentified: deciders.identified,
    decisionMakerEngaged: deciders.engaged,
    demoCompleted: demosHeld > 0,
    quoteSent: sentVersions > 0,
    quoteApproved: approvedCurrent > 0,
  };
  const amount = wholeAmount(deal.id, deal.amountMinor, deal.currency);
  return amount === undefined ? facts : { ...facts, amount };
}

function storedStage(dealId: string, stage: string): DealStage {
  const known = DEAL_STAGES.find((s) => s === stage);
  if (!known) throw new LeadflowError('internal', `Deal ${dealId} is in an unknown stage "${stage}".`);
  return known;
}

function wholeAmount(dealId: string, amountMinor: bigint | null, currency: string): number | undefined {
  if (amountMinor === null) return undefined;
  if (amountMinor > BigInt(Number.MAX_SAFE_INTEGER) || amountMinor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new LeadflowError('internal', `Deal ${dealId}'s amount ${amountMinor} is beyond the largest exact amount.`);
  }
  if (!isCurrencyCode(currency))
    throw new LeadflowError('internal', `Deal ${dealId} has an unknown currency "${currency}".`);
  return toWholeUnits(Number(amountMinor), currency);
}
