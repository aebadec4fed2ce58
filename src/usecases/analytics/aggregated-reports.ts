/**
 * The volume and funnel reports from SQL aggregates (./lead-arrivals.ts) instead of loaded facts:
 * the same figures as volume, volumeTrend, cohortFunnel and periodFunnel of src/domain/analytics
 * compute on the facts, for the period, the previous one and each part of a breakdown, built from
 * counts and the first ids of each group. A figure's count is exact; its ids are the first
 * `idLimit + 1` (all without a limit), so the API's cut to `idLimit` ids, and its `idsTruncated`,
 * come out as on the full lists.
 */
import type { Db } from '../../db/client';
import { activationsIn } from '../../domain/analytics/attribution';
import { type Dimension, type RuleActivation } from '../../domain/analytics/facts';
import { cohortFunnelOf, funnelSteps } from '../../domain/analytics/funnel';
import { mergeTallies, type Tally } from '../../domain/analytics/measures';
import { bucketRanges, type BucketRange, type ReportPeriod } from '../../domain/analytics/period';
import { FUNNEL_STAGES } from '../../domain/analytics/stages';
import type { VolumeFigures } from '../../domain/analytics/volume';
import { sightFilter } from './load-facts';
import { cohortArrivals, periodArrivals, type ArrivalQuery, segmentKeyOf, type ArrivalRow } from './lead-arrivals';
import { byPerson, listedGroups, rosterKeysInSight } from './breakdown-groups';
import { idsToRead } from './report-ids';
import type { ReportName, ReportOptions } from './reports';
import { loadRoster } from './roster';
import { activationsBetween } from './rules-in-force';
import type { Sight } from '../visibility';

export interface AggregateRequest {
  sight: Sight;
  period: ReportPeriod;
  previous: ReportPeriod;
  asOf: Date;
  options: ReportOptions;
  breakdown?: Dimension;
  /** Ids each figure must carry; every id without it. */
  idLimit?: number;
}

/** One report's figures for the period and the previous one, whole and per breakdown group. */
export interface AggregatedFigures {
  current: unknown;
  previous: unknown;
  breakdown: { dimension: Dimension; groups: { key: string; current: unknown; previous: unknown }[] } | null;
}

/** Counts and first ids per `stage bucket` of one part (the whole, or a breakdown group). */
type Cells = Map<string, { count: number; ids: string[] }>;

const cell = (stage: string, bucket: number) => `${stage} ${bucket}`;

function add(cells: Cells, row: ArrivalRow): void {
  const key = cell(row.stage, row.bucket);
  const found = cells.get(key);
  if (found) {
    found.count += row.count;
    found.ids.push(...row.ids);
  } else cells.set(key, { count: row.count, ids: [...row.ids] });
}

/** The figures of one part over one period, from its cells. */
class Part {
  constructor(
    private readonly cells: Cells,
    private readonly cap: number | undefined,
  ) {}

  tally(stage: string, buckets: readonly number[]): Tally {
    const found = buckets.flatMap((bucket) => this.cells.get(cell(stage, bucket)) ?? []);
    return mergeTallies(found, this.cap);
  }

  stages(buckets: readonly number[]): VolumeFigures {
    const figures = {} as VolumeFigures;
    for (const stage of FUNNEL_STAGES) figures[stage] = this.tally(stage, buckets);
    return figures;
  }
}

/** How one report reads its rows, and its figures for one part and period from them. */
interface Plan {
  bounds: Date[];
  read(db: Db, query: ArrivalQuery): Promise<ArrivalRow[]>;
  /** The figures of a part over the previous period (0) or the current one (1). */
  figures(part: Part, which: 0 | 1): unknown;
}

/** Bounds that tile the previous period's ranges, then the current one's. */
function tile(ranges: readonly BucketRange[][]): { bounds: Date[]; buckets: number[][] } {
  const bounds = [ranges[0]![0]!.from];
  const buckets = ranges.map((list) =>
    list.map((range) => {
      bounds.push(range.to);
      return bounds.length - 2;
    }),
  );
  return { bounds, buckets };
}

function planOf(report: ReportName, request: AggregateRequest, activations: readonly RuleActivation[][]): Plan {
  const { period, previous, options } = request;
  if (report === 'volume') {
    const ranges = [bucketRanges(previous, options.grain), bucketRanges(period, options.grain)];
    const { bounds, buckets } = tile(ranges);
    return {
      bounds,
      read: periodArrivals,
      figures: (part, which) => ({
        stages: part.stages(buckets[which]!),
        trend: ranges[which]!.map((range, index) => ({
          bucket: range.bucket,
          figures: part.stages([buckets[which]![index]!]),
        })),
        ruleActivations: activations[which],
      }),
    };
  }
  const bounds = [previous.from, period.from, period.to];
  if (options.view === 'period')
    return {
      bounds,
      read: periodArrivals,
      figures: (part, which) => {
        const stages = part.stages([which]);
        return { view: 'period', stages, steps: funnelSteps(stages), maturing: null };
      },
    };
  const withinDays = options.withinDays ?? undefined;
  return {
    bounds,
    read: (db, query) => cohortArrivals(db, query, withinDays),
    figures: (part, which) => {
      return cohortFunnelOf(part.stages([which]), part.tally('maturing', [which]));
    },
  };
}

/** The volume or funnel report's figures, from SQL aggregates. */
export async function aggregatedFigures(
  db: Db,
  report: ReportName,
  request: AggregateRequest,
): Promise<AggregatedFigures> {
  const { sight, period, previous, asOf, breakdown, idLimit } = request;
  const all = await activationsBetween(db, { from: previous.from, to: asOf });
  const activations = [activationsIn(all, previous), activationsIn(all, period)];
  const plan = planOf(report, request, activations);
  const cap = idsToRead(idLimit);
  const query: ArrivalQuery = {
    sight,
    asOf,
    ownerCut: new Date(Math.min(period.to.getTime(), asOf.getTime())),
    dimension: breakdown,
    idLimit: cap,
    bounds: plan.bounds,
  };
  // By rep or team, the roster is read beside the counts: the teams, and the reps each breakdown lists.
  const [rows, roster] = await Promise.all([
    plan.read(db, query),
    byPerson(breakdown) ? loadRoster(db, sight.tenant) : null,
  ]);
  const inSight = sightFilter(sight);
  const whole: Cells = new Map();
  const groups = new Map<string, Cells>();
  for (const row of rows) {
    if (!inSight(row.rep)) continue;
    add(whole, row);
    if (!breakdown) continue;
    const key = segmentKeyOf(row, breakdown, roster);
    if (!groups.has(key)) groups.set(key, new Map());
    add(groups.get(key)!, row);
  }
  const both = (cells: Cells) => {
    const part = new Part(cells, cap);
    return { current: plan.figures(part, 1), previous: plan.figures(part, 0) };
  };
  return {
    ...both(whole),
    breakdown: breakdown
      ? {
          dimension: breakdown,
          groups: listedGroups(
            groups.keys(),
            roster ? rosterKeysInSight(roster, sight, breakdown) : [],
            (key) => both(groups.get(key)!),
            () => both(new Map()),
          ),
        }
      : null,
  };
}
