/**
 * Deal outcomes: win rate (by count and by value), average deal size (ACV excluding tax), sales
 * cycle length (SQL → closed won) and sales velocity. A deal counts in the period it closed in;
 * value figures are per currency.
 */
import type { DealCourse } from './facts';
import {
  averages,
  days,
  distribution,
  moneyRatios,
  ratio,
  tally,
  type Amount,
  type Distribution,
  type MoneyAverage,
  type MoneyRatio,
  type Ratio,
  type Tally,
} from './measures';
import { within, type Interval } from './period';
import { closeOf, isOpenAt } from './stages';

export interface ClosedDeals<T extends Pick<DealCourse, 'stages'>> {
  won: T[];
  lost: T[];
}

/** The deals that closed in the period, won and lost. */
export function closedIn<T extends Pick<DealCourse, 'stages'>>(deals: readonly T[], period: Interval): ClosedDeals<T> {
  const closed = deals.map((deal) => ({ deal, close: closeOf(deal) })).filter(({ close }) => within(close?.at, period));
  return {
    won: closed.filter(({ close }) => close?.outcome === 'won').map(({ deal }) => deal),
    lost: closed.filter(({ close }) => close?.outcome === 'lost').map(({ deal }) => deal),
  };
}

/** What the figures of closed deals read: the deal, its value and its course (ClosedDealCourse and DealCourse are ones). */
type Closing = Pick<DealCourse, 'id' | 'currency' | 'acvMinor' | 'stages'>;

/** The ACV of each deal that has one. */
export function acvAmounts(deals: readonly Closing[]): Amount[] {
  return deals.flatMap((deal) =>
    deal.acvMinor === null ? [] : [{ id: deal.id, currency: deal.currency, amountMinor: deal.acvMinor }],
  );
}

const ids = (deals: readonly Closing[]) => deals.map((deal) => deal.id);
const unvalued = (deals: readonly Closing[]) => tally(ids(deals.filter((deal) => deal.acvMinor === null)));

export interface WinRateReport {
  /** won ÷ (won + lost), deal ids. */
  byCount: Ratio;
  /** Σ ACV won ÷ Σ ACV closed, per currency. */
  byValue: MoneyRatio[];
  /** Closed deals without an ACV: in the count, not in the value. */
  unvalued: Tally;
}

export function winRate(deals: readonly Closing[], period: Interval): WinRateReport {
  const { won, lost } = closedIn(deals, period);
  const closed = [...won, ...lost];
  return {
    byCount: ratio(ids(won), ids(closed)),
    byValue: moneyRatios(acvAmounts(won), acvAmounts(closed)),
    unvalued: unvalued(closed),
  };
}

export interface DealSizeReport {
  /** Average ACV excluding tax of the deals won in the period, per currency. */
  acv: MoneyAverage[];
  unvalued: Tally;
}

export function averageDealSize(deals: readonly DealCourse[], period: Interval): DealSizeReport {
  const { won } = closedIn(deals, period);
  return { acv: averages(acvAmounts(won)), unvalued: unvalued(won) };
}

/** When the sales cycle starts: the lead's SQL transition, or the deal's opening when none was recorded. */
const cycleStart = (deal: DealCourse): Date => deal.sqlAt ?? deal.openedAt;

/** Calendar days from SQL to closed won, for the deals won in the period (deal ids). */
export function salesCycle(deals: readonly DealCourse[], period: Interval): Distribution {
  const { won } = closedIn(deals, period);
  return distribution(
    won.map((deal) => ({ id: deal.id, value: days(closeOf(deal)!.at.getTime() - cycleStart(deal).getTime()) })),
  );
}

export interface VelocityFigure {
  currency: string;
  /** Opportunities in this currency open at the end of the period. */
  openOpportunities: Tally;
  /** Win rate by count (all currencies). */
  winRate: number | null;
  averageDealMinor: number;
  /** Mean sales cycle in days (all currencies). */
  cycleDays: number | null;
  /** open × win rate × average deal ÷ cycle days, rounded to a minor unit: value the pipeline yields per day. */
  perDayMinor: number | null;
}

/** The deals of a currency open at the end of a period, as counted for its sales velocity. */
export type OpenOpportunities = (currency: string) => Tally;

/** The deals of `deals` open at the end of `period` (isOpenAt), per currency. */
export function openAtEnd(deals: readonly DealCourse[], period: Interval): OpenOpportunities {
  return (currency) => tally(ids(deals.filter((deal) => deal.currency === currency && isOpenAt(deal, period.to))));
}

/**
 * Sales velocity per currency, for the currencies with a deal won in the period. The open
 * opportunities are those of `deals` (openAtEnd) unless `open` gives them: the deals report read
 * from SQL counts them there, and reads only the deals closed in the window.
 */
export function salesVelocity(
  deals: readonly DealCourse[],
  period: Interval,
  open: OpenOpportunities = openAtEnd(deals, period),
): VelocityFigure[] {
  const rate = winRate(deals, period).byCount.value;
  const cycle = salesCycle(deals, period).mean;
  return averageDealSize(deals, period).acv.map((average) => {
    const opportunities = open(average.currency);
    const perDay =
      rate === null || cycle === null || cycle === 0
        ? null
        : Math.round((opportunities.count * rate * average.averageMinor) / cycle);
    return {
      currency: average.currency,
      openOpportunities: opportunities,
      winRate: rate,
      averageDealMinor: average.averageMinor,
      cycleDays: cycle,
      perDayMinor: perDay,
    };
  });
}
