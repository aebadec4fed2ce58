/**
 * Deal desk: how deep the discounts go (overall and per approval tier), how long approvals take in
 * business hours, and how many quoted deals close.
 */
import { businessTimeBetween, type WorkingCalendar } from '../business-time';
import type { ApprovalFact, DealCourse, QuoteFact } from './facts';
import { NONE } from './facts';
import { distribution, hours, ratio, tally, type Distribution, type Ratio, type Tally } from './measures';
import { within, type Interval } from './period';
import { closeOf } from './stages';

export interface TierDiscounts {
  /** The approval tier of approvals.yaml; `(none)` when out of every tier's range. */
  tier: string;
  /** Discount in basis points of each quote version sent in the period (quote version ids). */
  discountBp: Distribution;
}

export interface DiscountDepthReport {
  discountBp: Distribution;
  byTier: TierDiscounts[];
}

/** The discount of every quote version sent to a customer in the period. */
/** What the deal desk reads of a quote version (a QuoteFact is one). */
export type DeskQuote = Pick<QuoteFact, 'id' | 'dealId' | 'discountBp' | 'tier' | 'sentAt'>;

/** What the deal desk reads of an approval request (an ApprovalFact is one). */
export type DeskApproval = Pick<ApprovalFact, 'id' | 'tier' | 'status' | 'requestedAt' | 'decidedAt'>;

export function discountDepth(quotes: readonly DeskQuote[], period: Interval): DiscountDepthReport {
  const sent = quotes.filter((quote) => within(quote.sentAt, period));
  const sample = (versions: readonly DeskQuote[]) =>
    distribution(versions.map((quote) => ({ id: quote.id, value: quote.discountBp })));
  const tiers = [...new Set(sent.map((quote) => quote.tier ?? NONE))].sort();
  return {
    discountBp: sample(sent),
    byTier: tiers.map((tier) => ({ tier, discountBp: sample(sent.filter((quote) => (quote.tier ?? NONE) === tier)) })),
  };
}

export interface TierTurnaround {
  tier: string;
  businessHours: Distribution;
}

export interface ApprovalTurnaroundReport {
  /** Business hours from request to decision (approval request ids). */
  businessHours: Distribution;
  byTier: TierTurnaround[];
}

/** Approvals decided (approved or rejected, by a person or a timeout) in the period. */
export function approvalTurnaround(
  approvals: readonly DeskApproval[],
  period: Interval,
  calendar: WorkingCalendar,
): ApprovalTurnaroundReport {
  const decided = approvals.filter(
    (approval) =>
      (approval.status === 'approved' || approval.status === 'rejected') && within(approval.decidedAt, period),
  );
  // Each turnaround once (business hours walk the calendar), then the whole sample and each tier's.
  const turnarounds = decided.map((request) => ({
    tier: request.tier,
    sample: { id: request.id, value: hours(businessTimeBetween(request.requestedAt, request.decidedAt!, calendar)) },
  }));
  const tiers = [...new Set(decided.map((approval) => approval.tier))].sort();
  return {
    businessHours: distribution(turnarounds.map(({ sample }) => sample)),
    byTier: tiers.map((tier) => ({
      tier,
      businessHours: distribution(turnarounds.filter((t) => t.tier === tier).map(({ sample }) => sample)),
    })),
  };
}

export interface QuoteToCloseReport {
  /** Of the deals first quoted in the period, those won by `asOf` (deal ids). */
  rate: Ratio;
  lost: Tally;
  open: Tally;
}

/** Deals whose first quote went to the customer in the period, and how they ended by `asOf`. */
export function quoteToClose(
  quotes: readonly Pick<DeskQuote, 'dealId' | 'sentAt'>[],
  deals: readonly Pick<DealCourse, 'id' | 'stages'>[],
  period: Interval,
  asOf: Date,
): QuoteToCloseReport {
  const firstSent = new Map<string, Date>();
  for (const quote of quotes) {
    const earlier = firstSent.get(quote.dealId);
    if (quote.sentAt && quote.sentAt < asOf && (!earlier || quote.sentAt < earlier))
      firstSent.set(quote.dealId, quote.sentAt);
  }
  const quoted = deals.filter((deal) => within(firstSent.get(deal.id), period));
  const outcome = (deal: Pick<DealCourse, 'id' | 'stages'>) => closeOf(deal, asOf)?.outcome ?? 'open';
  const ids = (which: string) => quoted.filter((deal) => outcome(deal) === which).map((deal) => deal.id);
  return {
    rate: ratio(
      ids('won'),
      quoted.map((deal) => deal.id),
    ),
    lost: tally(ids('lost')),
    open: tally(ids('open')),
  };
}
