/**
 * Win/loss review: the deals won and lost in the period, with the structured loss reasons and the
 * competitors lost to, for a breakdown by segment (industry, size, region), source or rep.
 */
import type { ClosedDealCourse, DealFact, Dimension } from './facts';
import { breakDown, type Group } from './breakdown';
import { append, compareText, ratio, tally, type Ratio, type Tally } from './measures';
import type { Interval } from './period';
import { closedIn } from './deals';

/** The key of a lost deal without a structured reason code. */
export const UNCODED = '(uncoded)';

export interface ReasonCount {
  /** A loss-reason code, or a competitor's name. */
  key: string;
  deals: Tally;
}

export interface WinLossReview {
  won: Tally;
  lost: Tally;
  winRate: Ratio;
  /** Lost deals per reason code, most frequent first. */
  lossReasons: ReasonCount[];
  /** Lost deals per competitor named, most frequent first. */
  competitors: ReasonCount[];
}

function countBy(deals: readonly ClosedDealCourse[], keyOf: (deal: ClosedDealCourse) => string | null): ReasonCount[] {
  const groups = new Map<string, string[]>();
  for (const deal of deals) {
    const key = keyOf(deal);
    if (key !== null) append(groups, key, deal.id);
  }
  return [...groups.entries()]
    .map(([key, ids]) => ({ key, deals: tally(ids) }))
    .sort((a, b) => b.deals.count - a.deals.count || compareText(a.key, b.key));
}

/**
 * The review of the deals closed in the period. Served on the deals read from SQL
 * (src/usecases/analytics/closed-deals.ts), and on loaded facts by reportFrom (the tests and the
 * bench): the same function either way.
 */
export function winLoss(deals: readonly ClosedDealCourse[], period: Interval): WinLossReview {
  const { won, lost } = closedIn(deals, period);
  const ids = (list: readonly ClosedDealCourse[]) => list.map((deal) => deal.id);
  return {
    won: tally(ids(won)),
    lost: tally(ids(lost)),
    winRate: ratio(ids(won), [...ids(won), ...ids(lost)]),
    lossReasons: countBy(lost, (deal) => deal.lossReason?.code ?? UNCODED),
    competitors: countBy(lost, (deal) => deal.lossReason?.competitor ?? null),
  };
}

/** The review per segment, source or rep. */
export function winLossBy(deals: readonly DealFact[], period: Interval, dimension: Dimension): Group<WinLossReview>[] {
  return breakDown(deals, dimension, (part) => winLoss(part, period));
}
