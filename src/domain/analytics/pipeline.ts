/**
 * The open pipeline by stage, and the weighted pipeline. These take plain records (a deal's stage,
 * ACV, expected close and forecast category, and the stage probabilities RevOps keeps in a rule
 * file), so they work on whatever snapshot of the pipeline the caller has: today's, or one taken
 * at the start of a period.
 */
import { groupBy } from '../group-by';
import { applyBasisPoints, sumMinor } from '../money';
import { DEAL_STAGES } from '../../rules/facts';
import { compareText, sortedIds, tally, totals, type MoneyTotal, type Tally } from './measures';
import { isClosing } from './stages';

export const FORECAST_CATEGORIES = ['commit', 'best-case', 'pipeline'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

/** One deal as the pipeline sees it. */
export interface PipelineDeal {
  dealId: string;
  stage: string;
  /** ACV excluding tax, minor units; null when not valued yet. */
  acvMinor: number | null;
  currency: string;
  expectedCloseAt: Date | null;
  forecastCategory: ForecastCategory | null;
  owner: string;
  team: string | null;
}

/** Win probability per open stage, in basis points (2500 = 25%). */
export type StageProbabilities = Readonly<Record<string, number>>;

export const isOpen = (deal: PipelineDeal): boolean => !isClosing(deal.stage);

/** The open deals of a snapshot: the snapshot itself when all are (as a report's snapshots are), with no copy made. */
export function openDeals<T extends PipelineDeal>(deals: readonly T[]): readonly T[] {
  return deals.every(isOpen) ? deals : deals.filter(isOpen);
}

/** The ACV of each valued deal, as the money helpers take it. */
export function pipelineAmounts(deals: readonly PipelineDeal[]) {
  // A loop, not flatMap: a snapshot holds 20 000 deals at 1M leads, and flatMap made an array for each.
  const amounts: { id: string; currency: string; amountMinor: number }[] = [];
  for (const deal of deals)
    if (deal.acvMinor !== null) amounts.push({ id: deal.dealId, currency: deal.currency, amountMinor: deal.acvMinor });
  return amounts;
}

export interface StagePipeline {
  stage: string;
  /** Every open deal in the stage, valued or not. */
  deals: Tally;
  value: MoneyTotal[];
}

/** Open deals and their ACV per stage, in pipeline order. */
export function openPipelineByStage(deals: readonly PipelineDeal[]): StagePipeline[] {
  const byStage = groupBy(openDeals(deals), (deal) => deal.stage);
  const known: readonly string[] = DEAL_STAGES;
  const stages = [
    ...known.filter((stage) => byStage.has(stage)),
    ...[...byStage.keys()].filter((stage) => !known.includes(stage)).sort(),
  ];
  return stages.map((stage) => {
    const inStage = byStage.get(stage)!;
    return { stage, deals: tally(inStage.map((deal) => deal.dealId)), value: totals(pipelineAmounts(inStage)) };
  });
}

export interface WeightedPipeline {
  currency: string;
  /** Σ ACV × the stage's probability, each deal's share rounded half away from zero. */
  weightedMinor: number;
  unweightedMinor: number;
  ids: string[];
}

export interface WeightedPipelineReport {
  byCurrency: WeightedPipeline[];
  /** Open valued deals in a stage with no probability: left out, so RevOps can add it. */
  unweighted: Tally;
}

export function weightedPipeline(
  deals: readonly PipelineDeal[],
  probabilities: StageProbabilities,
): WeightedPipelineReport {
  // One pass over the snapshot: each open valued deal is weighed, in its currency, or left out.
  const currencies = new Map<string, { ids: string[]; acv: number[]; weighted: number[] }>();
  const unweighted: string[] = [];
  for (const deal of deals) {
    if (deal.acvMinor === null || !isOpen(deal)) continue;
    if (!Object.hasOwn(probabilities, deal.stage)) {
      unweighted.push(deal.dealId);
      continue;
    }
    let inCurrency = currencies.get(deal.currency);
    if (inCurrency === undefined) currencies.set(deal.currency, (inCurrency = { ids: [], acv: [], weighted: [] }));
    inCurrency.ids.push(deal.dealId);
    inCurrency.acv.push(deal.acvMinor);
    inCurrency.weighted.push(applyBasisPoints(deal.acvMinor, probabilities[deal.stage]!));
  }
  const byCurrency = [...currencies.keys()].sort(compareText).map((currency) => {
    const inCurrency = currencies.get(currency)!;
    return {
      currency,
      weightedMinor: sumMinor(inCurrency.weighted),
      unweightedMinor: sumMinor(inCurrency.acv),
      ids: sortedIds(inCurrency.ids),
    };
  });
  return { byCurrency, unweighted: tally(unweighted) };
}
