/**
 * The leads behind the rule attribution report, read in SQL as narrow projections instead of
 * loaded facts: per lead that may count in the period or the one before, the ruleset version it is
 * attributed to (rulesetOf, computed in the statement), its owner at the period's end, its creation
 * and first arrival at each funnel stage (LeadFunnel, cut at `asOf`) and its first touch after it
 * became an MQL (LeadFunnel's mqlTouchAt, cut at `asOf`); and the versions of the other leads the
 * fact loader reads, which are listed as rows of their own (with nothing counted in them), as
 * ruleAttribution lists every version of its facts.
 *
 * The candidates are the fact loader's (activeLeads over the window, and the leads of its deals),
 * so the rows listed are the same; a lead counts (and is read whole) when it was created, became an
 * MQL, was touched or had its deal closed in the window: a lead outside these adds nothing to a
 * cohort funnel, a response time or a win rate of either period. The differential test
 * (test/analytics/loader-differential.int.test.ts) requires the report equal to the one computed
 * on every row, on both providers.
 */
import type { Db } from '../../db/client';
import { empty, instantOf, join, raw, sql, unindexed, valuesOf, type Sql } from '../../db/raw-sql';
import type { AttributionBy } from '../../domain/analytics/attribution';
import { TOUCH_EVENTS } from '../../domain/lead-events';
import type { Sight } from '../visibility';
import { activeLeads, windowDeals, type Window } from './fact-rows';
import { ownerAt } from './lead-arrivals';

/** A lead that may count in the window, as the report reads it (instants before `asOf` only). */
export interface AttributedLeadRow {
  id: string;
  /** rulesetOf: null when no rule decided on it. */
  version: string | null;
  /** The owner at the period's end (read for a person's sight, and for a lead that became an MQL). */
  rep: string | null;
  createdAt: Date;
  mqlAt: Date | null;
  sqlAt: Date | null;
  opportunityAt: Date | null;
  wonAt: Date | null;
  /** The first touch at or after `mqlAt` (null when it never became an MQL). */
  firstTouch: Date | null;
}

/** A version of the candidates that count in neither period, with the owner of its lead when the sight needs it. */
export interface ListedVersion {
  version: string | null;
  rep: string | null;
}

const touchKinds = join([...TOUCH_EVENTS]);

/** A LeadFunnel column of `f`, cut at `asOf`: the first arrival before then, if any (it is the minimum). */
const arrival = (column: 'mqlAt' | 'sqlAt' | 'opportunityAt' | 'wonAt', asOf: Date): Sql =>
  sql`CASE WHEN ${raw(`f."${column}"`)} < ${asOf} THEN ${raw(`f."${column}"`)} END`;

/**
 * Lead `lead`'s first MQL transition before `asOf`, in the loader's order (occurredAt, then id), as
 * a statement returning `column` of it; by its lead's events (SQLite otherwise walked every MQL
 * transition before asOf, StageEvent(toStage, occurredAt)).
 */
const firstMql = (db: Db, lead: Sql, column: Sql, asOf: Date): Sql =>
  sql`SELECT ${column} FROM "StageEvent" s WHERE s."leadId" = ${lead} AND ${unindexed(db, sql`s."toStage"`)} = 'mql'
    AND s."occurredAt" < ${asOf} ORDER BY s."occurredAt", s.id LIMIT 1`;

/**
 * The version lead `b` is attributed to, as rulesetOf: by routing, its first routing decision
 * before `asOf`; by scoring, the version on its first MQL transition (`b.mql_event`: '+' and the
 * version, '-' for a transition without one, null for none), else that of the last scoring
 * decision at or before it, or, not an MQL, its last scoring decision. Decisions in the loader's
 * order (decidedAt, then id).
 */
function versionOf(db: Db, by: AttributionBy, asOf: Date): Sql {
  const decided = sql`d."leadId" = b.id AND d.kind = ${by} AND d."decidedAt" < ${asOf}`;
  if (by === 'routing')
    return sql`(SELECT d."rulesetVersion" FROM "Decision" d WHERE ${decided} ORDER BY d."decidedAt", d.id LIMIT 1)`;
  const last = (until: Sql) =>
    sql`(SELECT d."rulesetVersion" FROM "Decision" d WHERE ${decided} ${until} ORDER BY d."decidedAt" DESC, d.id DESC LIMIT 1)`;
  const transition = sql`(${firstMql(db, sql`b.id`, sql`s."occurredAt"`, asOf)})`;
  return sql`(CASE WHEN b.mql_event IS NULL THEN ${last(empty)} WHEN b.mql_event <> '-' THEN SUBSTR(b.mql_event, 2)
    ELSE ${last(sql`AND d."decidedAt" <= ${transition}`)} END)`;
}

export interface AttributionQuery {
  sight: Sight;
  by: AttributionBy;
  /** From the previous period's start to the period's end (or `asOf`, if earlier): the owner is read at `to`. */
  window: Window;
}

/**
 * The fact loader's leads for the report (activeLeads over the window, and the leads of its deals,
 * windowDeals: those of the active leads are active already, so only the deals it reads for other
 * reasons are asked for; with the active leads' ids as a subquery, PostgreSQL checked every deal
 * against them one by one), each with its version: those that count in the window read whole (in no order),
 * and the versions (and owners) of the others.
 */
export async function attributionLeads(
  db: Db,
  query: AttributionQuery,
): Promise<{ leads: AttributedLeadRow[]; others: ListedVersion[] }> {
  const { sight, by, window } = query;
  const { from, to, asOf } = window;
  const owner = ownerAt(to, asOf);
  const scoring = by === 'scoring';
  // By scoring, the version on the lead's first MQL transition, in one probe and no join: only a lead
  // that is an MQL before asOf can have one (its mqlAt is at or before it), so no other is probed.
  // Its instant is read again only for a transition without a version (versionOf).
  const version = sql`CASE WHEN s."rulesetVersion" IS NULL THEN '-' ELSE '+' || s."rulesetVersion" END`;
  const mqlEvent = scoring
    ? sql`, CASE WHEN f."mqlAt" < ${asOf} THEN (${firstMql(db, sql`l.id`, version, asOf)}) END AS mql_event`
    : empty;
  const rows = await db.$queryRaw<
    {
      kind: string;
      id: string | null;
      version: string | null;
      rep: string | null;
      created: unknown;
      mql_at: unknown;
      sql_at: unknown;
      opportunity_at: unknown;
      won_at: unknown;
      touch: unknown;
    }[]
  >(sql`WITH candidate AS MATERIALIZED (
      ${activeLeads(db, sight, window)}
      UNION SELECT d."leadId" FROM "Deal" d WHERE d.id IN (${windowDeals(db, sight, window, valuesOf(db, []))})),
    acted AS MATERIALIZED (
      SELECT i."leadId" AS id FROM "Interaction" i
        WHERE i."occurredAt" >= ${from} AND i."occurredAt" < ${to} AND i.kind IN (${touchKinds})
      UNION SELECT s."leadId" FROM "StageEvent" s
        WHERE s."occurredAt" >= ${from} AND s."occurredAt" < ${to} AND s."toStage" IN ('closed-won', 'closed-lost')),
    base AS MATERIALIZED (
      SELECT l.id, l."createdAt" AS created, ${arrival('mqlAt', asOf)} AS mql_at, ${arrival('sqlAt', asOf)} AS sql_at,
        ${arrival('opportunityAt', asOf)} AS opportunity_at, ${arrival('wonAt', asOf)} AS won_at,
        CASE WHEN f."mqlAt" < ${asOf} AND f."mqlTouchAt" < ${asOf} THEN f."mqlTouchAt" END AS touch ${mqlEvent}
      FROM candidate c CROSS JOIN "Lead" l LEFT JOIN "LeadFunnel" f ON f."leadId" = l.id
      WHERE l.id = c.id AND l.tenant = ${sight.tenant}),
    versioned AS MATERIALIZED (
      SELECT b.id, b.created, b.mql_at, b.sql_at, b.opportunity_at, b.won_at, b.touch, ${versionOf(db, by, asOf)} AS version,
        CASE WHEN (b.created >= ${from} AND b.created < ${to}) OR (b.mql_at >= ${from} AND b.mql_at < ${to})
          OR a.id IS NOT NULL THEN 1 ELSE 0 END AS counts
      FROM base b LEFT JOIN acted a ON a.id = b.id)
    SELECT 'lead' AS kind, v.id, v.version,
      ${sight.all ? sql`CASE WHEN v.mql_at IS NOT NULL THEN ${owner} END` : owner} AS rep,
      v.created, v.mql_at, v.sql_at, v.opportunity_at, v.won_at, v.touch
    FROM versioned v JOIN "Lead" l ON l.id = v.id WHERE v.counts = 1
    UNION ALL
    SELECT 'version', NULL, o.version, o.rep, NULL, NULL, NULL, NULL, NULL, NULL FROM (
      SELECT DISTINCT v.version, ${sight.all ? sql`CAST(NULL AS TEXT)` : owner} AS rep
      FROM versioned v JOIN "Lead" l ON l.id = v.id WHERE v.counts = 0) o`);
  const leads: AttributedLeadRow[] = [];
  const others: ListedVersion[] = [];
  for (const row of rows) {
    if (row.kind !== 'lead') {
      others.push({ version: row.version, rep: row.rep });
      continue;
    }
    leads.push({
      id: row.id!,
      version: row.version,
      rep: row.rep,
      createdAt: instantOf(row.created)!,
      mqlAt: instantOf(row.mql_at),
      sqlAt: instantOf(row.sql_at),
      opportunityAt: instantOf(row.opportunity_at),
      wonAt: instantOf(row.won_at),
      firstTouch: instantOf(row.touch),
    });
  }
  return { leads, others };
}
