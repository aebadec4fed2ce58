/**
 * The analytics benchmark's naive baseline: every lead and deal of the tenant with all their
 * recorded rows, read through Prisma's object mapping (findMany with includes, 500 records per
 * round), whatever the period. The report is then computed in JS on these facts exactly as the
 * API path does, so the two must give identical reports: a differential check of the loader's
 * window and of its SQL.
 */
import type { Db, Prisma } from '../db/client';
import { compareText } from '../domain/analytics/measures';
import { TOUCH_EVENTS } from '../domain/lead-events';
import type { DealRow, FactRows, LeadRow, Window } from '../usecases/analytics/fact-rows';
import type { Sight } from '../usecases/visibility';
import { chunked } from '../db/chunked';

const leadInclude = (asOf: Date) =>
  ({
    stageEvents: { where: { occurredAt: { lt: asOf } }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] },
    decisions: {
      where: { decidedAt: { lt: asOf }, kind: { in: ['scoring', 'routing'] } },
      orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }],
    },
    interactions: {
      where: { occurredAt: { lt: asOf }, kind: { in: [...TOUCH_EVENTS] } },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
    },
  }) satisfies Prisma.LeadInclude;

const dealInclude = (asOf: Date) =>
  ({
    activities: {
      where: { occurredAt: { lt: asOf }, kind: { in: ['call', 'email', 'meeting', 'demo'] } },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
    },
    meetings: true,
    quotes: { include: { versions: { include: { approvals: true }, orderBy: { version: 'asc' } } } },
    contract: true,
  }) satisfies Prisma.DealInclude;

const byInstantThenId =
  <T extends { id: string }>(at: (row: T) => Date) =>
  (a: T, b: T): number =>
    at(a).getTime() - at(b).getTime() || compareText(a.id, b.id);

/** What the naive baseline reads: every lead and deal of a tenant recorded before `asOf`, with their rows. */
export interface EveryRow {
  leads: Prisma.LeadGetPayload<{ include: ReturnType<typeof leadInclude> }>[];
  assignments: Prisma.AssignmentGetPayload<object>[];
  deals: Prisma.DealGetPayload<{ include: ReturnType<typeof dealInclude> }>[];
}

/** Every lead and deal of the sight's tenant recorded before `asOf` (the baseline reads as revops), whatever the window. */
export async function loadEveryRow(db: Db, sight: Sight, window: Window, ownerCut: Date): Promise<FactRows> {
  return factRowsOf(await readEveryRow(db, sight.tenant, window.asOf), ownerCut);
}

/** The database reads of loadEveryRow. */
export async function readEveryRow(db: Db, tenant: string, asOf: Date): Promise<EveryRow> {
  const leadIds = (await db.lead.findMany({ where: { tenant, createdAt: { lt: asOf } }, select: { id: true } })).map(
    (r) => r.id,
  );
  const leads = await chunked(leadIds, (chunk) =>
    db.lead.findMany({ where: { id: { in: chunk } }, include: leadInclude(asOf) }),
  );
  const assignments = await chunked(leadIds, (chunk) =>
    db.assignment.findMany({
      where: { leadId: { in: chunk }, assignedAt: { lt: asOf } },
      orderBy: [{ assignedAt: 'asc' }, { id: 'asc' }],
    }),
  );
  const dealIds = (await db.deal.findMany({ where: { tenant, createdAt: { lt: asOf } }, select: { id: true } })).map(
    (r) => r.id,
  );
  const deals = await chunked(dealIds, (chunk) =>
    db.deal.findMany({ where: { id: { in: chunk } }, include: dealInclude(asOf) }),
  );
  return { leads, assignments, deals };
}

/**
 * The fact rows of what readEveryRow read, with each lead's owner at `ownerCut`. The leads, deals
 * and their lists of events, decisions, touches, activities and meetings are new arrays and records,
 * so one read can serve several calls; the rows inside them (a stage event, a quote version, a JSON
 * field, a Date) are the read's own, and are never changed in place by the fact loader.
 */
export function factRowsOf(read: EveryRow, ownerCut: Date): FactRows {
  const owners = new Map<string, string | null>();
  for (const assignment of read.assignments) {
    if (!owners.has(assignment.leadId)) owners.set(assignment.leadId, null);
    if (assignment.assignedAt < ownerCut) owners.set(assignment.leadId, assignment.repEmail);
  }
  // A lead's events and decisions in the loader's order: by instant, then id in code-point order
  // (Prisma orders ids by the database's collation).
  const leads: LeadRow[] = read.leads.map((row) => ({
    ...row,
    stageEvents: [...row.stageEvents].sort(byInstantThenId((event) => event.occurredAt)),
    decisions: [...row.decisions].sort(byInstantThenId((decision) => decision.decidedAt)),
    interactions: [...row.interactions],
    ownerAtCut: owners.has(row.id) ? owners.get(row.id)! : row.ownerId,
  }));
  const deals: DealRow[] = read.deals.map((row) => ({
    ...row,
    activities: [...row.activities],
    meetings: [...row.meetings],
    acvMinor: row.acvMinor === null ? null : Number(row.acvMinor),
    versions: row.quotes.flatMap((quote) => quote.versions),
    contract: row.contract && { ...row.contract, acvMinor: Number(row.contract.acvMinor) },
  }));
  return { leads, deals };
}
