/**
 * The queries behind loadFacts: which leads and deals a report reads, with the recorded rows each
 * fact is built from, cut at `asOf`.
 *
 * They are raw SQL (one statement per table, narrow columns, ids passed as one JSON list) rather
 * than Prisma includes: a report over a busy period reads tens of thousands of leads with their
 * events, and Prisma's nested includes cost one round of queries per 500 leads plus the mapping of
 * every column of every row; see docs/analytics.md "Performance". The sets are found through the
 * indexed timestamps of the recorded events (migration analytics_window_indexes).
 */
import type { Db } from '../../db/client';
import { codePointOrder, empty, join, sql, valuesOf, valuesTable, type Sql } from '../../db/raw-sql';
import { TOUCH_EVENTS } from '../../domain/lead-events';
import type { Sight } from '../visibility';
import { groupBy } from '../../domain/group-by';
import { ownerInSight } from './lead-owners';

/** What a report reads: the records active in [from, to), with their history before `asOf`. */
export interface Window {
  /** The start of the previous period. */
  from: Date;
  /** The end of the period (or `asOf`, if earlier). */
  to: Date;
  /** The moment the report is read at: nothing recorded at or after it is read. */
  asOf: Date;
}

export interface StageEventRow {
  fromStage: string | null;
  toStage: string;
  reason: string;
  rulesetVersion: string | null;
  occurredAt: Date;
}

export interface LeadRow {
  id: string;
  createdAt: Date;
  source: string;
  sourceDetails: unknown;
  attributes: unknown;
  ownerId: string | null;
  slaDueAt: Date | null;
  /** The owner as of the period's end, from the assignment history. */
  ownerAtCut: string | null;
  /** Oldest first (then by id). */
  stageEvents: StageEventRow[];
  /** Scoring and routing decisions, oldest first. */
  decisions: { kind: string; rulesetVersion: string; decidedAt: Date }[];
  /** Touches (TOUCH_EVENTS), oldest first. */
  interactions: { id: string; kind: string; occurredAt: Date; payload: unknown }[];
}

export interface QuoteVersionRow {
  id: string;
  quoteId: string;
  approvalDiscountBp: number;
  approvalTier: string | null;
  createdAt: Date;
  sentAt: Date | null;
  approvals: { id: string; tier: string; status: string; requestedAt: Date; decidedAt: Date | null }[];
}

export interface DealRow {
  id: string;
  leadId: string;
  accountId: string;
  ownerEmail: string;
  currency: string;
  acvMinor: number | null;
  createdAt: Date;
  lossReason: string | null;
  lossCompetitor: string | null;
  /** Calls, emails, meetings and demos logged before `asOf`, oldest first. */
  activities: { id: string; kind: string; actor: string | null; occurredAt: Date; idempotencyKey: string }[];
  meetings: { id: string; status: string }[];
  versions: QuoteVersionRow[];
  contract: {
    id: string;
    startDate: Date;
    endDate: Date;
    acvMinor: number;
    currency: string;
    createdAt: Date;
  } | null;
}

/**
 * Which rows a report reads beyond the leads and their stage events (each flag skips a statement
 * or more when false), and whether records are selected by the period alone.
 */
export interface FactNeeds {
  /** Select the records active from the previous period's start to the period's end (not to `asOf`). */
  periodOnly: boolean;
  decisions: boolean;
  touches: boolean;
  deals: boolean;
  /** Deal activities and meetings. */
  dealTimeline: boolean;
  /** Quote versions and approvals. */
  quotes: boolean;
  contracts: boolean;
}

/** Everything: what loadFacts reads when no report narrows it. */
export const EVERY_FACT: FactNeeds = {
  periodOnly: false,
  decisions: true,
  touches: true,
  deals: true,
  dealTimeline: true,
  quotes: true,
  contracts: true,
};

/** The leads and deals a report reads, and their rows. */
export interface FactRows {
  leads: LeadRow[];
  deals: DealRow[];
}

const touchKinds = join([...TOUCH_EVENTS]);
const DEAL_ACTIVITY_KINDS = join(['call', 'email', 'meeting', 'demo']);

const money = (value: bigint | number | null): number | null => (value === null ? null : Number(value));

/**
 * `AND …` keeping, of the leads `l`, those a person's sight may hold: owned by them (or their
 * reports) now, or ever assigned to them before `asOf`. Nothing for a sight of the whole tenant.
 * The exact cut, to the owner when the period ended, is made on the owner at that moment. Emails
 * are compared lowercased, as the sight compares owners (sightFilter in ./load-facts.ts): compared
 * as spelt, a lead whose row spelt its rep `Rep5@…` was left out here and counted by the reports.
 */
export function leadsOfSight(db: Db, sight: Sight, asOf: Date): Sql {
  if (sight.all) return empty;
  // EXISTS, one probe of Assignment(leadId, assignedAt) per lead: `l.id IN (SELECT …)` beside an
  // OR is a subplan PostgreSQL hashes only while the ids fit in work_mem; a team's assignments at
  // 1 000 000 leads do not, and the subplan is then scanned again for every lead.
  return sql`AND (${ownerInSight(db, sight, sql`l."ownerId"`)} OR EXISTS (SELECT 1 FROM "Assignment" a
        WHERE a."leadId" = l.id AND a.tenant = ${sight.tenant} AND ${ownerInSight(db, sight, sql`a."repEmail"`)} AND a."assignedAt" < ${asOf}))`;
}

/**
 * The leads with something recorded in the window: created, moved, touched, or with an SLA due in
 * it; and when the window reaches `asOf`, with an SLA still ahead at `asOf` (a running period
 * counts those as pending, whatever else the lead did: a lead reassigned today, with a new
 * deadline, may have moved months ago). For a person, those they (or their reports) own now or were ever assigned: the cut to the
 * owner at the period's end happens later, on the facts. A statement returning their `id`.
 */
export function activeLeads(db: Db, sight: Sight, window: Window): Sql {
  const { from, to, asOf } = window;
  const tenant = sight.tenant;
  const mine = leadsOfSight(db, sight, asOf);
  // A window that reaches asOf (a running period, or what a broken-down report reads) also takes
  // the SLAs still ahead at asOf: one index range from `from` on. A closed window ends at `to`.
  const dueBefore = to.getTime() >= asOf.getTime() ? empty : sql`AND n."slaDueAt" < ${to}`;
  // The window's ids first, then each lead by its key (CROSS JOIN keeps that order on SQLite):
  // with `l.id IN (…)` SQLite, which keeps no statistics, walked every lead of the tenant created
  // before asOf (Lead(tenant, createdAt)) and looked each up in the list.
  return sql`
    SELECT l.id FROM (
      SELECT n.id FROM "Lead" n WHERE n.tenant = ${tenant} AND n."createdAt" >= ${from} AND n."createdAt" < ${to}
      UNION SELECT n.id FROM "Lead" n WHERE n.tenant = ${tenant} AND n."slaDueAt" >= ${from} ${dueBefore}
      UNION SELECT s."leadId" FROM "StageEvent" s WHERE s."occurredAt" >= ${from} AND s."occurredAt" < ${to}
      UNION SELECT i."leadId" FROM "Interaction" i
        WHERE i."occurredAt" >= ${from} AND i."occurredAt" < ${to} AND i.kind IN (${touchKinds})) m
    CROSS JOIN "Lead" l
    WHERE l.id = m.id AND l.tenant = ${tenant} AND l."createdAt" < ${asOf} ${mine}`;
}

async function activeLeadIds(db: Db, sight: Sight, window: Window): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>(activeLeads(db, sight, window));
  return rows.map((row) => row.id);
}

/**
 * The deals of the leads `leads` (a parenthesised list or subquery of lead ids), the deals worked
 * in the window (activity, quotes) or with a contract, and the deals still open when the window
 * starts: the pipeline at the end of a period and sales velocity count open deals that nothing
 * happened to lately. `closedAt` only narrows what is read (a deal closed before the window cannot
 * be open in it); figures come from the recorded stage events. A statement returning their `id`.
 */
export function windowDeals(db: Db, sight: Sight, window: Window, leads: Sql): Sql {
  const { from, to, asOf } = window;
  const mine = sight.all ? empty : sql`${ownerInSight(db, sight, sql`d."ownerEmail"`)} AND`;
  // A UNION, not `d."leadId" IN (…) OR …`: beside an OR the IN is a subplan that PostgreSQL hashes
  // only while the ids fit in work_mem. For a running month at 1 000 000 leads (200 000 active
  // leads) they did not, and the list was scanned again for each of 210 000 deals: the statement
  // speed then ran to select its leads took over 15 minutes. Alone, the IN is a semi-join.
  return sql`
    SELECT d.id FROM "Deal" d
    WHERE d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf} AND d."leadId" IN ${leads}
    UNION
    SELECT d.id FROM "Deal" d
    WHERE d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf} AND ${mine} (
        d."closedAt" IS NULL OR d."closedAt" >= ${from}
        OR EXISTS (SELECT 1 FROM "Contract" c WHERE c."dealId" = d.id)
        OR EXISTS (SELECT 1 FROM "DealActivity" a
          WHERE a."dealId" = d.id AND a."occurredAt" >= ${from} AND a."occurredAt" < ${to})
        OR EXISTS (SELECT 1 FROM "Quote" q JOIN "QuoteVersion" v ON v."quoteId" = q.id
          WHERE q."dealId" = d.id AND ((v."sentAt" >= ${from} AND v."sentAt" < ${to})
            OR (v."createdAt" >= ${from} AND v."createdAt" < ${to}))))`;
}

async function dealIds(db: Db, sight: Sight, window: Window, leadIds: readonly string[]): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>(
    sql`${windowDeals(db, sight, window, valuesOf(db, leadIds))} ORDER BY id`,
  );
  return rows.map((row) => row.id);
}

/** What a report reads when it is broken down: everything recorded from the window's start to `asOf`. */
export function wholeWindow(window: Window): Window {
  return { ...window, to: window.asOf };
}

/** Every lead and deal a report over `window` reads for `sight`, with their recorded rows. */
export async function loadFactRows(
  db: Db,
  sight: Sight,
  window: Window,
  ownerCut: Date,
  needs: FactNeeds = EVERY_FACT,
): Promise<FactRows> {
  const selection = needs.periodOnly ? window : wholeWindow(window);
  const active = await activeLeadIds(db, sight, selection);
  const deals = needs.deals
    ? await loadDealRows(db, await dealIds(db, sight, selection, active), window.asOf, needs)
    : [];
  const ids = [...new Set([...active, ...deals.map((deal) => deal.leadId)])];
  return { leads: await loadLeadRows(db, sight.tenant, ids, window.asOf, ownerCut, needs), deals };
}

/** Runs `query` when `needed`, else reads nothing. */
async function when<T>(needed: boolean, query: () => Promise<T[]>): Promise<T[]> {
  return needed ? query() : [];
}

/** The leads `ids` of the tenant with their stage events, decisions, touches and owner at `ownerCut`. */
async function loadLeadRows(
  db: Db,
  tenant: string,
  ids: readonly string[],
  asOf: Date,
  ownerCut: Date,
  needs: FactNeeds,
): Promise<LeadRow[]> {
  const list = valuesOf(db, ids);
  // The leads by key from the list (CROSS JOIN): with `id IN (…)` SQLite walked every lead of the
  // tenant (Lead(tenant, slaDueAt)). Their order does not matter: the facts are sorted by id.
  const leads = await db.$queryRaw<Omit<LeadRow, 'ownerAtCut' | 'stageEvents' | 'decisions' | 'interactions'>[]>(sql`
    SELECT l.id, l."createdAt", l.source, l."sourceDetails", l.attributes, l."ownerId", l."slaDueAt"
    FROM ${valuesTable(db, ids)} ids CROSS JOIN "Lead" l WHERE l.id = ids.value AND l.tenant = ${tenant}`);
  const stages = await db.$queryRaw<(StageEventRow & { leadId: string })[]>(sql`
    SELECT "leadId", "fromStage", "toStage", reason, "rulesetVersion", "occurredAt" FROM "StageEvent"
    WHERE "leadId" IN ${list} AND "occurredAt" < ${asOf} ORDER BY "occurredAt", ${codePointOrder(db, sql`id`)}`);
  const decisions = await when(needs.decisions, () =>
    db.$queryRaw<(LeadRow['decisions'][number] & { leadId: string })[]>(sql`
    SELECT "leadId", kind, "rulesetVersion", "decidedAt" FROM "Decision"
    WHERE "leadId" IN ${list} AND "decidedAt" < ${asOf} AND kind IN ('scoring', 'routing')
    ORDER BY "decidedAt", ${codePointOrder(db, sql`id`)}`),
  );
  const touches = await when(needs.touches, () =>
    db.$queryRaw<(LeadRow['interactions'][number] & { leadId: string })[]>(sql`
    SELECT "leadId", id, kind, "occurredAt", payload FROM "Interaction"
    WHERE "leadId" IN ${list} AND "occurredAt" < ${asOf} AND kind IN (${touchKinds})
    ORDER BY "occurredAt", id`),
  );
  const owners = await ownersAt(db, list, ownerCut, asOf);
  const stagesOf = groupBy(stages, (row) => row.leadId);
  const decisionsOf = groupBy(decisions, (row) => row.leadId);
  const touchesOf = groupBy(touches, (row) => row.leadId);
  return leads.map((lead) => ({
    ...lead,
    ownerAtCut: owners.has(lead.id) ? owners.get(lead.id)! : lead.ownerId,
    stageEvents: stagesOf.get(lead.id) ?? [],
    decisions: decisionsOf.get(lead.id) ?? [],
    interactions: touchesOf.get(lead.id) ?? [],
  }));
}

/**
 * The owner of each lead at `cut`, from its assignments (the last one before `cut`; null when it
 * sat in a queue or was not assigned yet). Leads never assigned are absent: their row's owner stands.
 */
async function ownersAt(db: Db, leads: Sql, cut: Date, asOf: Date): Promise<Map<string, string | null>> {
  const assignments = await db.$queryRaw<{ leadId: string; repEmail: string | null; assignedAt: Date }[]>(sql`
    SELECT "leadId", "repEmail", "assignedAt" FROM "Assignment"
    WHERE "leadId" IN ${leads} AND "assignedAt" < ${asOf} ORDER BY "assignedAt", id`);
  const owners = new Map<string, string | null>();
  for (const assignment of assignments) {
    if (!owners.has(assignment.leadId)) owners.set(assignment.leadId, null);
    if (assignment.assignedAt < cut) owners.set(assignment.leadId, assignment.repEmail);
  }
  return owners;
}

type DealBase = Omit<DealRow, 'activities' | 'meetings' | 'versions' | 'contract' | 'acvMinor'> & {
  acvMinor: bigint | number | null;
};

/** The deals `ids` (in id order) with their activities, meetings, quote versions, approvals and contract. */
async function loadDealRows(db: Db, ids: readonly string[], asOf: Date, needs: FactNeeds): Promise<DealRow[]> {
  if (ids.length === 0) return [];
  const list = valuesOf(db, ids);
  const deals = await db.$queryRaw<DealBase[]>(sql`
    SELECT id, "leadId", "accountId", "ownerEmail", currency, "acvMinor", "createdAt", "lossReason", "lossCompetitor"
    FROM "Deal" WHERE id IN ${list} ORDER BY id`);
  const activities = await when(needs.dealTimeline, () =>
    db.$queryRaw<(DealRow['activities'][number] & { dealId: string })[]>(sql`
    SELECT "dealId", id, kind, actor, "occurredAt", "idempotencyKey" FROM "DealActivity"
    WHERE "dealId" IN ${list} AND "occurredAt" < ${asOf} AND kind IN (${DEAL_ACTIVITY_KINDS})
    ORDER BY "occurredAt", id`),
  );
  const meetings = await when(needs.dealTimeline, () =>
    db.$queryRaw<(DealRow['meetings'][number] & { dealId: string })[]>(sql`
    SELECT "dealId", id, status FROM "Meeting" WHERE "dealId" IN ${list}`),
  );
  const versions = await when(needs.quotes, () =>
    db.$queryRaw<(Omit<QuoteVersionRow, 'approvals'> & { dealId: string })[]>(sql`
    SELECT q."dealId", v.id, v."quoteId", v."approvalDiscountBp", v."approvalTier", v."createdAt", v."sentAt"
    FROM "QuoteVersion" v JOIN "Quote" q ON q.id = v."quoteId"
    WHERE q."dealId" IN ${list} ORDER BY v."quoteId", v.version`),
  );
  const approvals = await when(needs.quotes, () =>
    db.$queryRaw<(QuoteVersionRow['approvals'][number] & { quoteVersionId: string })[]>(sql`
    SELECT r."quoteVersionId", r.id, r.tier, r.status, r."requestedAt", r."decidedAt"
    FROM "ApprovalRequest" r JOIN "QuoteVersion" v ON v.id = r."quoteVersionId" JOIN "Quote" q ON q.id = v."quoteId"
    WHERE q."dealId" IN ${list} ORDER BY r.id`),
  );
  const contracts = await when(needs.contracts, () =>
    db.$queryRaw<(NonNullable<DealRow['contract']> & { dealId: string })[]>(sql`
    SELECT "dealId", id, "startDate", "endDate", "acvMinor", currency, "createdAt" FROM "Contract"
    WHERE "dealId" IN ${list}`),
  );
  const activitiesOf = groupBy(activities, (row) => row.dealId);
  const meetingsOf = groupBy(meetings, (row) => row.dealId);
  const approvalsOf = groupBy(approvals, (row) => row.quoteVersionId);
  const versionsOf = groupBy(
    versions.map((version) => ({ ...version, approvals: approvalsOf.get(version.id) ?? [] })),
    (row) => row.dealId,
  );
  const contractOf = new Map(contracts.map((row) => [row.dealId, { ...row, acvMinor: Number(row.acvMinor) }]));
  return deals.map((deal) => ({
    ...deal,
    acvMinor: money(deal.acvMinor),
    activities: activitiesOf.get(deal.id) ?? [],
    meetings: meetingsOf.get(deal.id) ?? [],
    versions: versionsOf.get(deal.id) ?? [],
    contract: contractOf.get(deal.id) ?? null,
  }));
}
