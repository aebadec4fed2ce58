/**
 * The Prisma queries behind loadFacts: which leads and deals a report reads, with the recorded
 * rows each fact is built from, cut at `asOf`.
 */
import type { Db, Prisma } from '../../db/client';
import { TOUCH_EVENTS } from '../../domain/lead-events';
import type { Sight } from '../visibility';

export interface Window {
  from: Date;
  /** The report's `asOf`: nothing at or after it is read. */
  to: Date;
}

const CHUNK = 500;

/** Runs `query` over `ids` in chunks (databases cap the parameters of one statement). */
export async function chunked<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) rows.push(...(await query(ids.slice(start, start + CHUNK))));
  return rows;
}

const leadInclude = (asOf: Date) =>
  ({
    stageEvents: { where: { occurredAt: { lt: asOf } }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] },
    decisions: {
      where: { decidedAt: { lt: asOf }, kind: { in: ['scoring', 'routing'] } },
      orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }],
      select: { kind: true, rulesetVersion: true, decidedAt: true },
    },
    interactions: {
      where: { occurredAt: { lt: asOf }, kind: { in: [...TOUCH_EVENTS] } },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      select: { id: true, kind: true, occurredAt: true, payload: true },
    },
  }) satisfies Prisma.LeadInclude;

export type LeadRow = Prisma.LeadGetPayload<{ include: ReturnType<typeof leadInclude> }> & {
  /** The owner as of the period's end, from the assignment history. */
  ownerAtCut: string | null;
};

/** Leads created, moved or touched in the window, or the leads `ids` (the leads of loaded deals). */
export async function loadLeadRows(
  db: Db,
  sight: Sight,
  window: Window,
  ownerCut: Date,
  ids?: readonly string[],
): Promise<LeadRow[]> {
  const include = leadInclude(window.to);
  const rows = ids
    ? await chunked(ids, (chunk) => db.lead.findMany({ where: { tenant: sight.tenant, id: { in: chunk } }, include }))
    : await activeLeadRows(db, sight, window, include);
  const owners = await ownersAt(
    db,
    rows.map((row) => row.id),
    ownerCut,
    window.to,
  );
  return rows.map((row) => ({ ...row, ownerAtCut: owners.has(row.id) ? owners.get(row.id)! : row.ownerId }));
}

/**
 * The leads with something recorded in the window. For a person, those they (or their reports) own
 * now or were ever assigned: the cut to the owner at the period's end happens later, on the facts.
 */
async function activeLeadRows(db: Db, sight: Sight, window: Window, include: ReturnType<typeof leadInclude>) {
  const inWindow = { gte: window.from, lt: window.to };
  const active: Prisma.LeadWhereInput = {
    tenant: sight.tenant,
    createdAt: { lt: window.to },
    OR: [
      { createdAt: inWindow },
      { stageEvents: { some: { occurredAt: inWindow } } },
      { interactions: { some: { occurredAt: inWindow, kind: { in: [...TOUCH_EVENTS] } } } },
      // An SLA due in the window counts there even when nothing else happened to the lead in it.
      { slaDueAt: inWindow },
    ],
  };
  // Ids first, then the rows with their relations in chunks: one include over tens of thousands of
  // leads reads their events with one IN list, beyond what SQLite allows in a statement.
  const withRelations = async (where: Prisma.LeadWhereInput) =>
    chunked(
      (await db.lead.findMany({ where, select: { id: true } })).map((row) => row.id),
      (chunk) => db.lead.findMany({ where: { id: { in: chunk } }, include }),
    );
  if (sight.all) return withRelations(active);
  const owned = await withRelations({ AND: [active, { ownerId: { in: sight.owners } }] });
  const seen = new Set(owned.map((row) => row.id));
  const assigned = await db.assignment.findMany({
    where: { tenant: sight.tenant, repEmail: { in: sight.owners }, assignedAt: { lt: window.to } },
    select: { leadId: true },
    distinct: ['leadId'],
  });
  const others = assigned.map((a) => a.leadId).filter((id) => !seen.has(id));
  const before = await chunked(others, (chunk) =>
    db.lead.findMany({ where: { AND: [active, { id: { in: chunk } }] }, include }),
  );
  return [...owned, ...before];
}

/**
 * The owner of each lead at `cut`, from its assignments (the last one before `cut`; null when it
 * sat in a queue or was not assigned yet). Leads never assigned are absent: their row's owner stands.
 */
async function ownersAt(
  db: Db,
  leadIds: readonly string[],
  cut: Date,
  asOf: Date,
): Promise<Map<string, string | null>> {
  const assignments = await chunked(leadIds, (chunk) =>
    db.assignment.findMany({
      where: { leadId: { in: chunk }, assignedAt: { lt: asOf } },
      orderBy: [{ assignedAt: 'asc' }, { id: 'asc' }],
      select: { leadId: true, repEmail: true, assignedAt: true },
    }),
  );
  const owners = new Map<string, string | null>();
  for (const assignment of assignments) {
    if (!owners.has(assignment.leadId)) owners.set(assignment.leadId, null);
    if (assignment.assignedAt < cut) owners.set(assignment.leadId, assignment.repEmail);
  }
  return owners;
}

const dealInclude = (asOf: Date) =>
  ({
    activities: {
      where: { occurredAt: { lt: asOf }, kind: { in: ['call', 'email', 'meeting', 'demo'] } },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
    },
    meetings: { select: { id: true, status: true } },
    quotes: { include: { versions: { include: { approvals: true }, orderBy: { version: 'asc' } } } },
    contract: true,
  }) satisfies Prisma.DealInclude;

export type DealRow = Prisma.DealGetPayload<{ include: ReturnType<typeof dealInclude> }>;

/**
 * The deals of `leads`, the deals worked in the window (activity, quotes, approvals) or with a
 * contract, and the deals still open when the window starts: the pipeline at the end of a period
 * and sales velocity count open deals that nothing happened to lately. `closedAt` only narrows
 * what is read (a deal closed before the window cannot be open in it); figures come from the
 * recorded stage events.
 */
export async function loadDealRows(
  db: Db,
  sight: Sight,
  window: Window,
  leads: readonly { id: string }[],
): Promise<DealRow[]> {
  const include = dealInclude(window.to);
  const existed = { tenant: sight.tenant, createdAt: { lt: window.to } };
  const ofLeads = await chunked(
    leads.map((lead) => lead.id),
    (chunk) => db.deal.findMany({ where: { ...existed, leadId: { in: chunk } }, include }),
  );
  const inWindow = { gte: window.from, lt: window.to };
  const workedIds = await db.deal.findMany({
    select: { id: true },
    where: {
      ...existed,
      ...(sight.all ? {} : { ownerEmail: { in: sight.owners } }),
      OR: [
        { activities: { some: { occurredAt: inWindow } } },
        { quotes: { some: { versions: { some: { OR: [{ sentAt: inWindow }, { createdAt: inWindow }] } } } } },
        { contract: { isNot: null } },
        { closedAt: null },
        { closedAt: { gte: window.from } },
      ],
    },
  });
  const worked = await chunked(
    workedIds.map((row) => row.id),
    (chunk) => db.deal.findMany({ where: { id: { in: chunk } }, include }),
  );
  const byId = new Map([...ofLeads, ...worked].map((deal) => [deal.id, deal]));
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}
