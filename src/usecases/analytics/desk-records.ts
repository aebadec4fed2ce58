/**
 * The records behind the deal desk report, read in SQL as narrow projections instead of loaded
 * facts: the quote versions sent between the start of the previous period and the end of the
 * period (or `asOf`, if earlier), the approvals decided (approved or rejected) in that window, and
 * the deals whose first quote went out in it, with their first close. deskFigures
 * (./reports.ts) then computes the report, as it does on the facts, so the figures are identical;
 * the differential test (test/analytics/loader-differential.int.test.ts) checks this on both
 * providers.
 *
 * Each record is read as the fact loader builds it (./deal-desk-facts.ts): a version created at or
 * after `asOf` does not exist yet, nor do its approvals; a version sent at or after `asOf` is not
 * sent; an approval decided at or after `asOf` is still pending. A record belongs to its quote's
 * deal, so a person sees those of the deals they (or their reports) own, and the deal's lead must
 * be the tenant's and recorded before `asOf`, as the facts need it.
 *
 * Which deals count for quote-to-close: a deal counts in the period of its first sent version, so
 * a deal first quoted in either period has its first version in the window. Those are found as
 * the deals of the window's versions whose earliest sent version (before `asOf`, read with each
 * version) is in the window; then the window's versions hold each one's first, which is all
 * quoteToClose reads of them, with each deal's first close before `asOf` (its lead's, from
 * LeadFunnel: firstCloseColumns).
 */
import type { Db } from '../../db/client';
import { empty, instantOf, sql, type Sql } from '../../db/raw-sql';
import type { DeskApproval, DeskQuote } from '../../domain/analytics/deal-desk';
import type { DealCourse, Dimension } from '../../domain/analytics/facts';
import { compareText } from '../../domain/analytics/measures';
import type { Sight } from '../visibility';
import {
  dealSegmentColumns,
  firstCloseColumns,
  firstCloseStages,
  keyDeals,
  ownedBy,
  reviewWindow,
  type FirstCloseRow,
  type SegmentRow,
} from './closed-deals';
import type { DealQuery } from './deal-courses';
import { sightFilter } from './load-facts';
import { loadRoster } from './roster';

/** What the deal desk report reads: versions and approvals of the window, and the deals first quoted in it. */
export interface DeskRecords {
  quotes: DeskQuote[];
  approvals: DeskApproval[];
  deals: Pick<DealCourse, 'id' | 'stages'>[];
}

/** Each record's breakdown key, by kind and id: its deal's (the deal's owner, or its lead's segment field). */
export interface DeskKeys {
  quotes: Map<string, string>;
  approvals: Map<string, string>;
  deals: Map<string, string>;
}

interface VersionRow extends FirstCloseRow, Partial<SegmentRow> {
  id: string;
  deal_id: string;
  owner: string;
  discount_bp: number | bigint;
  tier: string | null;
  sent: unknown;
  /** The deal's first version sent before `asOf`. */
  first: unknown;
}

interface ApprovalRow extends Partial<SegmentRow> {
  id: string;
  owner: string;
  tier: string;
  status: string;
  requested: unknown;
  decided: unknown;
}

/**
 * The quote `q`, deal `d` and lead `f` of a quote version `v`, then `WHERE` keeping the versions
 * recorded before `asOf` of the deals the caller may see. The lead is its LeadFunnel row, which
 * copies the lead's tenant and creation (and holds its first close), narrower to look up than the
 * lead itself. The tables are CROSS JOINed, their links in `WHERE`: SQLite keeps the order of a
 * CROSS JOIN, so it loops over the window's versions (or approvals) found by their timestamp's
 * index and looks each one's deal and lead up by id; with plain joins and no statistics it chose to
 * loop over every lead of the tenant instead (0.6 s per statement at 100 000 leads, against
 * 0.06 s). PostgreSQL plans a CROSS JOIN as any inner join.
 */
function ofDealsInSight(db: Db, sight: Sight, asOf: Date): Sql {
  return sql`CROSS JOIN "Quote" q CROSS JOIN "Deal" d CROSS JOIN "LeadFunnel" f
    WHERE q.id = v."quoteId" AND d.id = q."dealId" AND d.tenant = ${sight.tenant}
      AND f."leadId" = d."leadId" AND f.tenant = ${sight.tenant}
      AND d."createdAt" < ${asOf} AND f."createdAt" < ${asOf} AND v."createdAt" < ${asOf} ${ownedBy(db, sight)}`;
}

/**
 * The deal desk's records for `query`, each kind in id order. Broken down by `dimension`, each
 * record's key goes into `keys`: its deal's owner, or its deal's lead's segment field
 * (dealSegmentColumns), as the facts give a quote, an approval and a deal their deal's segment.
 */
export async function deskRecords(
  db: Db,
  query: DealQuery,
  dimension?: Dimension,
  keys?: DeskKeys,
): Promise<DeskRecords> {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  const inSight = sightFilter(sight);
  const segment = dimension ? sql`, ${dealSegmentColumns(db, dimension)}` : empty;
  // The two statements are independent: PostgreSQL runs them side by side on two connections.
  const [versionRows, approvalRows, roster] = await Promise.all([
    db.$queryRaw<VersionRow[]>(sql`
    SELECT v.id, d.id AS deal_id, d."ownerEmail" AS owner,
      v."approvalDiscountBp" AS discount_bp, v."approvalTier" AS tier, v."sentAt" AS sent,
      (SELECT MIN(w."sentAt") FROM "Quote" p CROSS JOIN "QuoteVersion" w
        WHERE p."dealId" = d.id AND w."quoteId" = p.id AND w."createdAt" < ${asOf} AND w."sentAt" < ${asOf}) AS first,
      ${firstCloseColumns(db)} ${segment}
    FROM "QuoteVersion" v ${ofDealsInSight(db, sight, asOf)} AND v."sentAt" >= ${from} AND v."sentAt" < ${to}`),
    db.$queryRaw<ApprovalRow[]>(sql`
    SELECT r.id, d."ownerEmail" AS owner, r.tier, r.status, r."requestedAt" AS requested, r."decidedAt" AS decided
      ${segment}
    FROM "ApprovalRequest" r CROSS JOIN "QuoteVersion" v ${ofDealsInSight(db, sight, asOf)}
      AND v.id = r."quoteVersionId" AND r."requestedAt" < ${asOf} AND r."decidedAt" >= ${from} AND r."decidedAt" < ${to}
      AND r.status IN ('approved', 'rejected')`),
    dimension === 'team' ? loadRoster(db, sight.tenant) : null,
  ]);
  const versions = versionRows.filter((row) => inSight(row.owner));
  const approvals = approvalRows.filter((row) => inSight(row.owner));
  if (dimension && keys) {
    keyDeals(versions, dimension, roster, keys.quotes);
    keyDeals(
      versions.map((row) => ({ ...row, id: row.deal_id })),
      dimension,
      roster,
      keys.deals,
    );
    keyDeals(approvals, dimension, roster, keys.approvals);
  }
  return {
    quotes: versions
      .map((row) => ({
        id: row.id,
        dealId: row.deal_id,
        discountBp: Number(row.discount_bp),
        tier: row.tier,
        sentAt: instantOf(row.sent),
      }))
      .sort((a, b) => compareText(a.id, b.id)),
    approvals: approvals
      .map((row) => ({
        id: row.id,
        tier: row.tier,
        status: row.status,
        requestedAt: instantOf(row.requested)!,
        decidedAt: instantOf(row.decided),
      }))
      .sort((a, b) => compareText(a.id, b.id)),
    deals: firstQuoted(versions, query),
  };
}

/**
 * Of the deals of the window's versions, those whose first version sent before `asOf` is in the
 * window, with their first close before `asOf` (all quoteToClose reads of them).
 */
function firstQuoted(versions: readonly VersionRow[], query: DealQuery): Pick<DealCourse, 'id' | 'stages'>[] {
  const { from } = reviewWindow(query);
  const quoted = new Map<string, VersionRow>();
  for (const row of versions) if (instantOf(row.first)!.getTime() >= from.getTime()) quoted.set(row.deal_id, row);
  return [...quoted.keys()]
    .sort(compareText)
    .map((id) => ({ id, stages: firstCloseStages(quoted.get(id)!, query.asOf) }));
}
