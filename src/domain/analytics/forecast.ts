/**
 * Forecast against actuals, quota attainment and pipeline coverage, on plain records: a pipeline
 * snapshot (PipelineDeal), the deals won (WonDeal) and quotas. Everything is per currency; a quota
 * counts only the deals in its own currency.
 */
import { groupBy } from '../group-by';
import { sumMinor } from '../money';
import type { DealCourse } from './facts';
import { compareText, ratio, share, sortedIds, tally, type Ratio, type Tally } from './measures';
import { within, type Interval } from './period';
import { isOpen, openDeals, type PipelineDeal } from './pipeline';
import { closeOf } from './stages';

/** A deal won, as actuals count it. */
export interface WonDeal {
  dealId: string;
  acvMinor: number | null;
  currency: string;
  closedAt: Date;
  owner: string;
  team: string | null;
}

/** The won deals among the facts (closed won before `asOf`). */
export function wonDeals(deals: readonly DealCourse[], asOf?: Date): WonDeal[] {
  // A loop, not flatMap: a report walks 40 000 deals at 1M leads, and flatMap made an array for each.
  const won: WonDeal[] = [];
  for (const deal of deals) {
    const close = closeOf(deal, asOf);
    if (close?.outcome !== 'won') continue;
    const { rep, team } = deal.segment;
    won.push({
      dealId: deal.id,
      acvMinor: deal.acvMinor,
      currency: deal.currency,
      closedAt: close.at,
      owner: rep ?? '',
      team,
    });
  }
  return won;
}

const valueOf = (deals: readonly { acvMinor: number | null }[]) => sumMinor(deals.map((deal) => deal.acvMinor ?? 0));

/** An amount and the deals it sums. */
export interface DealsAmount {
  amountMinor: number;
  deals: Tally;
}

export interface ForecastFigure {
  currency: string;
  /** Open deals expected to close in the period, categorised commit. */
  commit: DealsAmount;
  /** commit + best case. */
  bestCase: DealsAmount;
  /** Every open deal expected to close in the period. */
  pipeline: DealsAmount;
  /** ACV won in the period. */
  actual: DealsAmount;
  /** actual ÷ commit. */
  attainment: number | null;
  /** 1 − |actual − commit| ÷ commit, at least 0: 1 is a perfect commit forecast. */
  accuracy: number | null;
  /** Of the committed deals, those won in the period. */
  committedWon: Ratio;
}

const amountOf = (deals: readonly { dealId: string; acvMinor: number | null }[]): DealsAmount => ({
  amountMinor: valueOf(deals),
  deals: tally(deals.map((deal) => deal.dealId)),
});

/**
 * The forecast a snapshot made for the period (take the snapshot at the period's start) against
 * the deals actually won in the period.
 */
export function forecastVsActual(
  snapshot: readonly PipelineDeal[],
  won: readonly WonDeal[],
  period: Interval,
): ForecastFigure[] {
  const expected = snapshot.filter((deal) => isOpen(deal) && within(deal.expectedCloseAt, period));
  const actual = won.filter((deal) => within(deal.closedAt, period));
  const currencies = [...new Set([...expected, ...actual].map((deal) => deal.currency))].sort(compareText);
  return currencies.map((currency) => {
    const forecast = expected.filter((deal) => deal.currency === currency);
    const commit = amountOf(forecast.filter((deal) => deal.forecastCategory === 'commit'));
    const wonHere = amountOf(actual.filter((deal) => deal.currency === currency));
    const wonIds = new Set(wonHere.deals.ids);
    const { amountMinor: committed } = commit;
    return {
      currency,
      commit,
      bestCase: amountOf(forecast.filter((d) => d.forecastCategory === 'commit' || d.forecastCategory === 'best-case')),
      pipeline: amountOf(forecast),
      actual: wonHere,
      attainment: share(wonHere.amountMinor, committed),
      accuracy: committed === 0 ? null : Math.max(0, 1 - Math.abs(wonHere.amountMinor - committed) / committed),
      committedWon: ratio(
        commit.deals.ids.filter((id) => wonIds.has(id)),
        commit.deals.ids,
      ),
    };
  });
}

/** A target for a rep, a team (a manager's reports) or, with neither, the whole tenant. */
export interface Quota {
  rep: string | null;
  team: string | null;
  from: Date;
  to: Date;
  currency: string;
  amountMinor: number;
}

export interface QuotaAttainment {
  quota: Quota;
  wonMinor: number;
  won: Tally;
  /** won ÷ quota. */
  attainment: number | null;
  /** quota − won, at least 0. */
  remainingMinor: number;
  /** Open deals expected to close before the quota period ends (overdue ones included). */
  pipeline: Tally;
  pipelineMinor: number;
  /** pipeline ÷ remaining quota; null once the quota is met. */
  coverage: number | null;
}

interface QuotaCounted {
  owner: string;
  team: string | null;
  currency: string;
}

/**
 * The deals a quota may count, by quota: those in its currency and, for a rep's or a team's, of
 * that rep or team (emails and team names compared case-insensitively), in the deals' order.
 * Grouped once, not filtered per quota: the pipeline report checks a hundred quotas against
 * 40 000 deals.
 */
function quotaDeals<T extends QuotaCounted>(deals: readonly T[]): (quota: Quota) => readonly T[] {
  const byCurrency = groupBy(deals, (deal) => deal.currency);
  const parts = new Map<string, { byRep: Map<string, T[]>; byTeam: Map<string, T[]> }>();
  return ({ currency, rep, team }) => {
    const inCurrency = byCurrency.get(currency) ?? [];
    let part = parts.get(currency);
    if (part === undefined) {
      part = {
        byRep: groupBy(inCurrency, (deal) => deal.owner.toLowerCase()),
        byTeam: groupBy(inCurrency, (deal) => deal.team?.toLowerCase()),
      };
      parts.set(currency, part);
    }
    if (rep !== null) return part.byRep.get(rep.toLowerCase()) ?? [];
    if (team !== null) return part.byTeam.get(team.toLowerCase()) ?? [];
    return inCurrency;
  };
}

export function quotaAttainment(
  quotas: readonly Quota[],
  won: readonly WonDeal[],
  snapshot: readonly PipelineDeal[],
): QuotaAttainment[] {
  const wonFor = quotaDeals(won);
  const openFor = quotaDeals(openDeals(snapshot));
  return quotas.map((quota) => {
    const wonHere = wonFor(quota).filter((deal) => within(deal.closedAt, quota));
    // getTime, not `<` on the dates: that converts both to numbers through valueOf on every call.
    const open = openFor(quota).filter(
      (deal) => deal.expectedCloseAt !== null && deal.expectedCloseAt.getTime() < quota.to.getTime(),
    );
    const wonMinor = valueOf(wonHere);
    const remainingMinor = Math.max(0, quota.amountMinor - wonMinor);
    const pipelineMinor = valueOf(open);
    return {
      quota,
      wonMinor,
      won: tally(wonHere.map((deal) => deal.dealId)),
      attainment: share(wonMinor, quota.amountMinor),
      remainingMinor,
      pipeline: tally(sortedIds(open.map((deal) => deal.dealId))),
      pipelineMinor,
      coverage: share(pipelineMinor, remainingMinor),
    };
  });
}
