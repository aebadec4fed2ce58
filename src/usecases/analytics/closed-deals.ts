/**
 * The deals behind the win/loss, channels, activity and rule attribution reports, read in SQL as
 * narrow projections instead of loaded facts: the deals first closed (closed-won or closed-lost)
 * between the start of the previous period and the end of the period (or `asOf`, if earlier), each
 * with its owner, currency and ACV, its lead's source and campaign, its loss code and competitor,
 * and its first close (ClosedDealCourse). The figures are then computed by the same functions as on
 * facts (winLoss, channelFigures, activityFigures, attributionRows), so they are identical; the
 * differential test (test/analytics/loader-differential.int.test.ts) checks this on both providers.
 *
 * Which deals: the reports count a deal in the period of its first close (closedIn), and a deal's
 * first close is its lead's (closeOf over the lead's stage events). LeadFunnel keeps each lead's
 * first close, `closedAt`, and its first closed-lost, `lostAt` (migration `analytics_first_close`),
 * so the statement is one range of LeadFunnel(tenant, closedAt, …), each lead's deal by its key.
 * The close was won when `wonAt` is that instant and `lostAt` is not, lost in the other case; when
 * both are (two closing events at one instant), the first in id order decides, read from StageEvent
 * for those few. A deal first closed before the window has no close counted in either period, so
 * it is not read at all; before LeadFunnel kept the close, every closing event of the window was
 * read, and each deal's whole course with it.
 *
 * The fact path reads, for the same reports, every lead active in the window with all its stage
 * events and its assignments, and every deal of them or still open; none of that is read here.
 */
import type { Db } from '../../db/client';
import { codePointOrder, empty, instantOf, raw, sql, type Sql } from '../../db/raw-sql';
import type { ClosedDealCourse, Dimension } from '../../domain/analytics/facts';
import { compareText } from '../../domain/analytics/measures';
import type { Sight } from '../visibility';
import type { DealQuery } from './deal-courses';
import { funnelSegmentOf, groupColumnsOf, segmentKeyOf } from './lead-arrivals';
import { sightFilter } from './load-facts';
import { loadRoster, type Roster } from './roster';
import { ownerInSight } from './lead-owners';

/** Lead `f`'s first close, as firstCloseColumns reads it from its LeadFunnel row. */
export interface FirstCloseRow {
  closed: unknown;
  won: unknown;
  lost: unknown;
  /** The stage of the first closing event in id order, read only when won and lost share the instant. */
  tie: string | null;
}

/**
 * The columns `closed`, `won`, `lost` and `tie` of lead `f`'s LeadFunnel row: its first closing
 * stage event, first closed-won and first closed-lost, and, only when the first two and the last
 * share one instant, the stage of the first closing event at that instant in id order (code-point
 * order, as the loader sorts events of one instant), from StageEvent.
 */
export function firstCloseColumns(db: Db): Sql {
  return sql`f."closedAt" AS closed, f."wonAt" AS won, f."lostAt" AS lost,
      CASE WHEN f."wonAt" = f."closedAt" AND f."lostAt" = f."closedAt" THEN (
        SELECT s."toStage" FROM "StageEvent" s
        WHERE s."leadId" = f."leadId" AND s."occurredAt" = f."closedAt" AND s."toStage" IN ('closed-won', 'closed-lost')
        ORDER BY ${codePointOrder(db, sql`s.id`)} LIMIT 1) END AS tie`;
}

/**
 * The first close before `asOf` that `row` gives, as closeOf gives it on the lead's stage events: a
 * stage event list holding just that close (closeOf reads nothing else), empty when there is none.
 */
export function firstCloseStages(row: FirstCloseRow, asOf: Date): { to: string; at: Date }[] {
  const at = instantOf(row.closed);
  if (at === null || at.getTime() >= asOf.getTime()) return [];
  const won = row.tie === null ? instantOf(row.won)?.getTime() === at.getTime() : row.tie === 'closed-won';
  return [{ to: won ? 'closed-won' : 'closed-lost', at }];
}

export interface ClosedDealRow extends FirstCloseRow {
  id: string;
  lead_id: string;
  owner: string;
  currency: string;
  acv: bigint | number | null;
  loss_code: string | null;
  competitor: string | null;
  /** The lead's, as LeadFunnel copies it. */
  source: string;
  campaign: string | null;
}

/** A text attribute as the fact loader reads it: a string, trimmed, or null when blank or not a string. */
export function textField(type: string | null, value: string | null): string | null {
  return type === 'string' && value !== null && value.trim() !== '' ? value.trim() : null;
}

/** The first instant of the previous period, and the end of the period or `asOf` if earlier. */
export function reviewWindow({ period, previous, asOf }: DealQuery): { from: Date; to: Date } {
  return { from: previous.from, to: new Date(Math.min(period.to.getTime(), asOf.getTime())) };
}

/**
 * The rows of the deals (in the caller's sight, in id order) first closed in the period or the one
 * before, each with `columns` besides (of the deal `d` and its lead's LeadFunnel row `f`).
 */
export async function closedDealRows<Extra extends object = object>(
  db: Db,
  query: DealQuery,
  columns: Sql = empty,
): Promise<(ClosedDealRow & Extra)[]> {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  // CROSS JOIN keeps SQLite's loop on the window's closes rather than on the tenant's deals.
  const rows = await db.$queryRaw<(ClosedDealRow & Extra)[]>(sql`
    SELECT d.id, d."leadId" AS lead_id, d."ownerEmail" AS owner, d.currency, d."acvMinor" AS acv,
      d."lossReason" AS loss_code, d."lossCompetitor" AS competitor, f.source, f.campaign, ${firstCloseColumns(db)}
      ${columns}
    FROM "LeadFunnel" f CROSS JOIN "Deal" d
    WHERE f.tenant = ${sight.tenant} AND f."closedAt" >= ${from} AND f."closedAt" < ${to}
      AND d."leadId" = f."leadId" AND d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf} ${ownedBy(db, sight)}`);
  const inSight = sightFilter(sight);
  return rows.filter((row) => inSight(row.owner)).sort((a, b) => compareText(a.id, b.id));
}

/** What every reader of a closed deal's row takes of it: the deal, its owner and team, its value and first close. */
export function closedDealOf(row: ClosedDealRow, roster: Roster, asOf: Date) {
  return {
    id: row.id,
    segment: { rep: row.owner, team: roster.teamOf(row.owner) },
    currency: row.currency,
    acvMinor: row.acv === null ? null : Number(row.acv),
    stages: firstCloseStages(row, asOf),
  };
}

/**
 * The deals (in the caller's sight, in id order) first closed in the period or the one before. With
 * `dimension`, each also has its breakdown key in `keys` (by id): the deal's segment is its lead's,
 * with the deal's owner as its rep, as the fact loader builds it.
 */
export async function closedDeals(
  db: Db,
  query: DealQuery,
  dimension?: Dimension,
  keys?: Map<string, string>,
): Promise<ClosedDealCourse[]> {
  const { sight, asOf } = query;
  const deals = await closedDealRows<SegmentRow>(
    db,
    query,
    dimension ? sql`, ${dealSegmentColumns(db, dimension)}` : empty,
  );
  const roster = await loadRoster(db, sight.tenant);
  if (dimension && keys) keyDeals(deals, dimension, roster, keys);
  return deals.map((row) => {
    const lostAt = instantOf(row.lost);
    const deal = closedDealOf(row, roster, asOf);
    return {
      ...deal,
      leadId: row.lead_id,
      segment: {
        ...deal.segment,
        source: row.source,
        campaign: textField(row.campaign === null ? null : 'string', row.campaign),
      },
      // As the fact loader: a deal with a closed-lost transition before asOf carries the code and
      // competitor it was lost with.
      lossReason:
        lostAt !== null && lostAt.getTime() < asOf.getTime()
          ? { code: row.loss_code, competitor: row.competitor }
          : null,
    };
  });
}

/** A deal's row with its lead's segment field (dealSegmentColumns). */
export interface SegmentRow {
  seg_type: string | null;
  seg_text: string | null;
}

/** Each deal's breakdown key into `keys` (by id): its owner is its rep, its segment field its lead's. */
export function keyDeals(
  rows: readonly (Partial<SegmentRow> & { id: string; owner: string })[],
  dimension: Dimension,
  roster: Pick<Roster, 'teamOf'> | null,
  keys: Map<string, string>,
): void {
  for (const row of rows)
    keys.set(
      row.id,
      segmentKeyOf({ rep: row.owner, segType: row.seg_type ?? null, segText: row.seg_text ?? null }, dimension, roster),
    );
}

/**
 * `seg_type, seg_text` of the lead of deal `d` (joined with its LeadFunnel row `f`): by source or
 * campaign, LeadFunnel's own copies; by another segment field, looked up in Lead (groupColumnsOf);
 * by rep or team none (the deal's owner is its rep).
 */
export function dealSegmentColumns(db: Db, dimension: Dimension): Sql {
  return funnelSegmentOf(dimension) ?? leadSegmentColumns(db, dimension);
}

/**
 * `seg_type, seg_text` of the lead `leadId` (by default deal `d`'s), looked up in Lead
 * (groupColumnsOf), for a statement without the lead's LeadFunnel row; by rep or team none.
 */
export function leadSegmentColumns(db: Db, dimension: Dimension, leadId: Sql = sql`d."leadId"`): Sql {
  if (dimension === 'rep' || dimension === 'team')
    return sql`CAST(NULL AS TEXT) AS seg_type, CAST(NULL AS TEXT) AS seg_text`;
  const field = (column: 'seg_type' | 'seg_text') =>
    sql`(SELECT ${raw(column)} FROM (SELECT ${groupColumnsOf(db, dimension)} FROM "Lead" l WHERE l.id = ${leadId}) x)`;
  return sql`${field('seg_type')} AS seg_type, ${field('seg_text')} AS seg_text`;
}

/** Whether a breakdown by `dimension` keys a row by a segment field of its lead (not by its owner, nor none). */
export const bySegmentField = (dimension: Dimension | undefined): dimension is Dimension =>
  dimension !== undefined && dimension !== 'rep' && dimension !== 'team';

/**
 * Of the lead of LeadFunnel row `f`, broken down by a segment field: `columns`, `, seg_type,
 * seg_text` (its own source and campaign, funnelSegmentOf, or another field of its row of Lead,
 * groupColumnsOf), and `join`, that row of Lead joined as `l` when read; nothing otherwise. Joined
 * once, not looked up per column: at 1M leads PostgreSQL read a month's 170 000 arrivals' industry
 * in 0.39 s so, in 1.25 s with two probes of Lead each.
 */
export function funnelLeadSegment(db: Db, dimension: Dimension | undefined): { columns: Sql; join: Sql } {
  if (!bySegmentField(dimension)) return { columns: empty, join: empty };
  const own = funnelSegmentOf(dimension);
  if (own) return { columns: sql`, ${own}`, join: empty };
  return { columns: sql`, ${groupColumnsOf(db, dimension)}`, join: sql`LEFT JOIN "Lead" l ON l.id = f."leadId"` };
}

/** `AND …` keeping the deals `d` a person's sight holds; nothing for the whole tenant. */
export function ownedBy(db: Db, sight: Sight) {
  return sight.all ? empty : sql`AND ${ownerInSight(db, sight, sql`d."ownerEmail"`)}`;
}
