/**
 * The deals behind the pipeline report, read in SQL as narrow projections instead of loaded facts:
 * each deal that can be open at the end or start of the period or the previous one, or won before
 * `asOf` (its id, owner, currency and ACV, when it was created), its deal-stage transitions and its
 * lead's first SQL transition (DealCourse), and its forecast history; then, of the deals open at a
 * snapshot, the forecasts, and the quotas (./plan-inputs.ts). The transitions and the forecasts
 * are read from the lead's DealHistory row (`course`, `forecasts`: whole texts that database
 * triggers keep, cut here at `asOf` and the last snapshot), one row per deal: at
 * 1 000 000 leads, probing 40 000 deals' stage events and 31 000 deals' forecasts took
 * 0.6–0.7 s each. The figures are then computed by the same function as on facts
 * (pipelineFigures in ./reports.ts), so they are identical; the differential test
 * (test/analytics/loader-differential.int.test.ts) checks this on both providers. The deals report
 * reads less (./deal-outcomes.ts).
 *
 * Which deals: the tenant's deals in the caller's sight, created before `asOf`, not closed before
 * the previous period's start (or `asOf`, if earlier), and opened before the last snapshot or won
 * before `asOf` (dealCourses). A deal's `closedAt` is the instant of its latest close (setDealStage
 * writes it with the closing stage event), so a deal closed earlier can be neither open in the two
 * periods nor closed in them; the fact loader narrows by the same column.
 * The leads' other events, touches and assignments, which the fact path reads, are not read.
 *
 * Broken down, each deal's key is read with it: its owner, or its lead's segment field, looked up
 * in Lead (leadSegmentColumns), as the facts give a deal its lead's segment.
 */
import type { Db } from '../../db/client';
import { empty, epochIn, epochMs, forEachEntry, instantOf, sql } from '../../db/raw-sql';
import type { DealCourse, Dimension } from '../../domain/analytics/facts';
import { compareText } from '../../domain/analytics/measures';
import type { ReportPeriod } from '../../domain/analytics/period';
import type { Sight } from '../visibility';
import { keyDeals, leadSegmentColumns, ownedBy, type SegmentRow } from './closed-deals';
import { sightFilter } from './load-facts';
import { loadQuotas, pipelineInputsOf, type ForecastHistory, type PlanInputs } from './plan-inputs';
import { latest, pipelineCourses, pipelineSnapshots, type PipelineCourses } from './reports';
import { loadRoster } from './roster';

export interface DealQuery {
  sight: Sight;
  period: ReportPeriod;
  previous: ReportPeriod;
  /** The moment the report is read at: nothing recorded at or after it is read. */
  asOf: Date;
}

interface DealRow extends Partial<SegmentRow> {
  id: string;
  owner: string;
  currency: string;
  acv: bigint | number | null;
  created: unknown;
  course: string | null;
  forecasts: string | null;
}

/**
 * The deals that can count in a pipeline report of `query`, in id order, each with its course: the
 * deals in sight created before `asOf` and not closed before the previous period's start (or
 * `asOf`, if earlier), and opened before the last snapshot or won before `asOf`. pipelineCourses
 * then finds which are open at each snapshot and which were won.
 *
 * A deal opens at its first deal-stage transition (its lead's LeadFunnel `opportunityAt`), or when
 * created if it has none before `asOf`. One that opened at or after the last snapshot is open at
 * none, so it counts only if it was won before `asOf` (LeadFunnel's `wonAt`: a deal's first won
 * transition is its lead's). A deal usually opens when it is created, so LeadFunnel is looked up
 * only for the deals created since the last snapshot (19 000 probes at 1 000 000 leads). This
 * leaves out 14 000 of 54 500 deals, with their courses.
 *
 * Which of the others opened before a snapshot, or were won before `asOf`, is read from their
 * courses. Joined rather than probed, LeadFunnel's 1 000 000 rows were hashed and the statement
 * took 0.30 s instead of 0.13 s.
 */
export async function dealCourses(
  db: Db,
  query: DealQuery,
  dimension?: Dimension,
  keys?: Map<string, string>,
): Promise<{ deals: DealCourse[]; histories: ForecastHistory[] }> {
  const { sight, previous, asOf } = query;
  const earliest = new Date(Math.min(previous.from.getTime(), asOf.getTime()));
  const last = lastSnapshot(query);
  const [rows, roster] = await Promise.all([
    db.$queryRaw<DealRow[]>(sql`
    SELECT d.id, d."ownerEmail" AS owner, d.currency, d."acvMinor" AS acv, ${epochMs(db, sql`d."createdAt"`)} AS created,
      h.course, h.forecasts ${dimension ? sql`, ${leadSegmentColumns(db, dimension)}` : empty}
    FROM "Deal" d LEFT JOIN "DealHistory" h ON h."leadId" = d."leadId"
    WHERE d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf} ${ownedBy(db, sight)}
      AND (d."closedAt" IS NULL OR d."closedAt" >= ${earliest})
      AND (d."createdAt" < ${last} OR (SELECT CASE WHEN f."opportunityAt" < ${last} OR f."wonAt" < ${asOf} THEN 1 END
        FROM "LeadFunnel" f WHERE f."leadId" = d."leadId") = 1)`),
    loadRoster(db, sight.tenant),
  ]);
  const inSight = sightFilter(sight);
  const kept = rows.filter((row) => inSight(row.owner)).sort((a, b) => compareText(a.id, b.id));
  if (dimension && keys) keyDeals(kept, dimension, roster, keys);
  const deals = kept.map((row): DealCourse => {
    const { stages, sqlAt } = parseCourse(row.course, asOf);
    return {
      id: row.id,
      segment: { rep: row.owner, team: roster.teamOf(row.owner) },
      currency: row.currency,
      acvMinor: row.acv === null ? null : Number(row.acv),
      openedAt: stages[0]?.at ?? instantOf(row.created)!,
      sqlAt,
      stages,
    };
  });
  return { deals, histories: kept.map((row) => ({ dealId: row.id, history: row.forecasts })) };
}

/** The last moment a pipeline report of `query` takes a snapshot at. */
const lastSnapshot = (query: DealQuery) => latest(pipelineSnapshots(query));

/** What a lead recorded before `asOf` that a deal's course is made of. */
export interface LeadCourse {
  /** Its deal-stage transitions, oldest first (then by id, the loader's order; a deal's stage events are its lead's). */
  stages: { to: string; at: Date }[];
  /** Its first SQL transition. */
  sqlAt: Date | null;
}

/**
 * The course DealHistory's `course` holds (none when null: `stage@instant,…`, oldest first,
 * then by id), up to `asOf`: the deal-stage transitions before it in order, and the first SQL one.
 */
export function parseCourse(text: string | null, asOf: Date): LeadCourse {
  const course: LeadCourse = { stages: [], sqlAt: null };
  if (text === null) return course;
  const cut = asOf.getTime();
  // `stage@instant` each, read in place (forEachEntry).
  forEachEntry(text, (start, end) => {
    const mark = text.indexOf('@', start);
    const at = epochIn(text, mark + 1, end);
    // Oldest first: the rest are later still.
    if (at >= cut) return false;
    const stage = text.slice(start, mark);
    if (stage !== 'sql') course.stages.push({ to: stage, at: new Date(at) });
    else course.sqlAt ??= new Date(at);
  });
  return course;
}

/**
 * The deals, forecasts and quotas the pipeline report reads: the deals (dealCourses) and the
 * quotas (loadQuotas), read side by side; the deals' forecast histories before the last snapshot
 * (pipelineInputsOf: forecastAt picks the entry in force at each), from the texts dealCourses read;
 * and the deals made into the courses the figures read (pipelineCourses).
 */
export async function pipelineInputs(
  db: Db,
  query: DealQuery,
  dimension?: Dimension,
  keys?: Map<string, string>,
): Promise<{ inputs: PlanInputs; courses: PipelineCourses; deals: DealCourse[] }> {
  // The quotas are read while the deals are.
  const [{ deals, histories }, quotas] = await Promise.all([
    dealCourses(db, query, dimension, keys),
    loadQuotas(db, query),
  ]);
  // Every deal's history is read, not only those of the deals open at a snapshot (whose forecasts
  // alone a figure looks up): finding those took longer than reading the others' few entries.
  return {
    inputs: pipelineInputsOf(query, histories, lastSnapshot(query), quotas),
    courses: pipelineCourses(deals),
    deals,
  };
}
