/**
 * Forecast against actuals, quota attainment and pipeline coverage, on plain records: a pipeline
 * snapshot (PipelineDeal), the deals won (WonDeal) and quotas. Everything is per currency; a quota
 * counts only the deals in its own currency.
 */
import { sumMinor } from '../money';
import type { DealCourse } from './facts';
import { compareText, ratio, share, sortedIds, tally, type Ratio, type Tally } from './measures';
import { within, type Interval } from './period';
import { isOpen, type PipelineDeal } from './pipeline';
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
  return deals.flatMap((deal) => {
    const close = closeOf(deal, asOf);
    if (close?.outcome !== 'won') return [];
    const { rep, team } = deal.segment;
    return [
      { dealId: deal.id, acvMinor: deal.acvMinor, currency: deal.currency, closedAt: close.at, owner: rep ?? '', team },
    ];
  });
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

const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

function belongs(quota: Quota, deal: { owner: string; team: string | null; currency: string }): boolean {
  if (deal.currency !== quota.currency) return false;
  if (quota.rep !== null) return same(quota.rep, deal.owner);
  if (quota.team !== null) return same(quota.team, deal.team);
  return true;
}

export function quotaAttainment(
  quotas: readonly Quota[],
  won: readonly WonDeal[],
  snapshot: readonly PipelineDeal[],
): QuotaAttainment[] {
  return quotas.map((quota) => {
    const wonHere = won.filter((deal) => belongs(quota, deal) && within(deal.closedAt, quota));
    const open = snapshot.filter(
      (deal) =>
        isOpen(deal) && belongs(quota, deal) && deal.expectedCloseAt !== null && deal.expectedCloseAt < quota.to,
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
