/**
 * Who sees what. Every read and write of a lead, deal, quote or approval goes through the
 * caller's Sight:
 *
 * - revops (the tenant's administrators) and integrations with `read` see the whole tenant;
 * - a person sees the leads and deals they own, and those of everyone who reports to them,
 *   directly or not (a manager sees their whole reporting chain);
 * - a person sees the leads waiting in the queues they work (routing.yaml `queues.<q>.members`);
 * - an approver sees the deals, quotes and versions their own approval steps (open or past)
 *   are about, but may change them only as the approval itself allows.
 *
 * Lists filter by the sight. A direct read of a record out of sight answers 404, exactly as if
 * it did not exist, so an id that is guessed or leaked says nothing about the record.
 */
import type { Actor } from '../auth/actor';
import { isTenantAdmin } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { LeadflowError } from '../domain/errors';

/** What a caller may see, computed once per request. */
export interface Sight {
  tenant: string;
  /** The whole tenant (revops, integrations). */
  all: boolean;
  /** The tenant's administrators (revops): they manage everyone's tokens. */
  admin: boolean;
  /**
   * Emails whose leads and deals the caller sees (themself and everyone below them), in every
   * spelling the roster holds and lower case: SQLite has no case-insensitive `in`.
   */
  owners: string[];
  /** Queues the caller works. */
  queues: string[];
  /** The caller's email, lower case (approval steps assigned to or delegated from it). */
  me: string;
}

export type Need = 'read' | 'write';

/** Where a person's queue memberships come from (the active routing rules). */
export type QueueMembers = () => Record<string, readonly string[]>;

/** The caller's sight: who reports to them (transitively) and which queues they work. */
export async function sightOf(db: Pick<Db, 'rep'>, actor: Actor, queueMembers: QueueMembers): Promise<Sight> {
  const me = actor.email.toLowerCase();
  if (isTenantAdmin(actor) || actor.kind === 'integration')
    return { tenant: actor.tenant, all: true, admin: isTenantAdmin(actor), owners: [], queues: [], me };
  const people = await db.rep.findMany({
    where: { tenant: actor.tenant },
    select: { id: true, email: true, managerId: true },
  });
  const self = people.find((person) => person.email.toLowerCase() === me);
  const owners = new Set([me, actor.email]);
  if (self) {
    owners.add(self.email);
    const reportsOf = new Map<string, typeof people>();
    for (const person of people) {
      if (!person.managerId) continue;
      reportsOf.set(person.managerId, [...(reportsOf.get(person.managerId) ?? []), person]);
    }
    const seen = new Set([self.id]);
    const frontier = [self.id];
    while (frontier.length > 0) {
      for (const report of reportsOf.get(frontier.pop()!) ?? []) {
        if (seen.has(report.id)) continue;
        seen.add(report.id);
        owners.add(report.email.toLowerCase());
        owners.add(report.email);
        frontier.push(report.id);
      }
    }
  }
  const queues = Object.entries(queueMembers())
    .filter(([, members]) => members.some((email) => email.toLowerCase() === me))
    .map(([queue]) => queue);
  return { tenant: actor.tenant, all: false, admin: false, owners: [...owners], queues, me };
}

/** The leads the sight covers (for lists and lookups). */
export function leadsInSight(sight: Sight): Prisma.LeadWhereInput {
  if (sight.all) return { tenant: sight.tenant };
  return {
    tenant: sight.tenant,
    OR: [{ ownerId: { in: sight.owners } }, ...(sight.queues.length ? [{ queue: { in: sight.queues } }] : [])],
  };
}

/** The deals the sight covers; `read` adds those the caller's approval steps are about. */
export function dealsInSight(sight: Sight, need: Need = 'read'): Prisma.DealWhereInput {
  if (sight.all) return { tenant: sight.tenant };
  const owned: Prisma.DealWhereInput = { ownerEmail: { in: sight.owners } };
  if (need === 'write') return { tenant: sight.tenant, ...owned };
  return {
    tenant: sight.tenant,
    OR: [owned, { quotes: { some: { versions: { some: { approvals: approvedBy(sight) } } } } }],
  };
}

/** Approval requests with a step assigned to the caller or handed on by them. */
function approvedBy(sight: Sight): Prisma.ApprovalRequestListRelationFilter {
  return { some: { steps: { some: { OR: [{ assigneeEmail: sight.me }, { delegatedFrom: sight.me }] } } } };
}

/** The approval requests the sight covers: those on deals in sight, and those with a step of the caller's. */
export function approvalsInSight(sight: Sight): Prisma.ApprovalRequestWhereInput {
  if (sight.all) return { tenant: sight.tenant };
  return {
    tenant: sight.tenant,
    OR: [
      { steps: { some: { OR: [{ assigneeEmail: sight.me }, { delegatedFrom: sight.me }] } } },
      { quoteVersion: { quote: { deal: { ownerEmail: { in: sight.owners } } } } },
    ],
  };
}

/** A record out of sight, worded exactly like one that does not exist. */
export function notFound(kind: string, id: string, tenant: string): LeadflowError {
  return new LeadflowError('not_found', `No ${kind} ${id} in tenant ${tenant}.`);
}

/** A record in sight for reading but not for this change: the caller may know it exists, so say who may. */
export function notYours(kind: string, id: string, actor: Actor): LeadflowError {
  if (kind === 'person' || kind === 'token')
    return new LeadflowError(
      'forbidden',
      `A person's tokens are managed by that person and by revops; ${actor.email} may not manage ${kind === 'person' ? `the tokens of ${id}` : `token ${id}`}.`,
    );
  return new LeadflowError(
    'forbidden',
    `Only the ${kind}'s owner, the people they report to, or revops may change ${kind} ${id}; ${actor.email} may only read it.`,
  );
}

export type RecordKind = 'lead' | 'deal' | 'quote' | 'approval' | 'person' | 'token' | 'task';

/** The tasks the sight covers: those owned by the caller or anyone below them (revops: the tenant's). */
export function tasksInSight(sight: Sight): Prisma.TaskWhereInput {
  if (sight.all) return { lead: { tenant: sight.tenant } };
  return { lead: { tenant: sight.tenant }, ownerEmail: { in: sight.owners } };
}

/**
 * Whether the record exists in the caller's sight: 'write' (theirs to change), 'read' (visible
 * only, e.g. to an approver) or 'none' (absent or out of sight: answer 404).
 */
export async function reach(db: Db, sight: Sight, kind: RecordKind, id: string): Promise<'write' | 'read' | 'none'> {
  switch (kind) {
    case 'lead': {
      const found = await db.lead.findFirst({ where: { AND: [{ id }, leadsInSight(sight)] }, select: { id: true } });
      return found ? 'write' : 'none';
    }
    case 'deal':
      return dealReach(db, sight, { id });
    case 'quote': {
      const quote = await db.quote.findFirst({ where: { id, tenant: sight.tenant }, select: { dealId: true } });
      return quote ? dealReach(db, sight, { id: quote.dealId }) : 'none';
    }
    case 'person': {
      // People are colleagues: anyone may know a person exists; only they (and revops) manage their tokens.
      const person = await db.rep.findFirst({
        where: { tenant: sight.tenant, email: { in: [id, id.toLowerCase()] } },
        select: { email: true },
      });
      if (!person) return 'none';
      return sight.admin || person.email.toLowerCase() === sight.me ? 'write' : 'read';
    }
    case 'token': {
      const token = await db.apiToken.findFirst({
        where: { id, tenant: sight.tenant },
        select: { kind: true, personEmail: true },
      });
      if (!token) return 'none';
      const mine = token.kind === 'person' && token.personEmail.toLowerCase() === sight.me;
      return sight.admin || mine ? 'write' : 'read';
    }
    case 'task': {
      const task = await db.task.findFirst({ where: { AND: [{ id }, tasksInSight(sight)] }, select: { id: true } });
      return task ? 'write' : 'none';
    }
    case 'approval': {
      const request = await db.approvalRequest.findFirst({
        where: { AND: [{ id }, approvalsInSight(sight)] },
        select: { dealId: true },
      });
      if (!request) return 'none';
      const deal = await dealReach(db, sight, { id: request.dealId });
      return deal === 'none' ? 'read' : deal;
    }
  }
}

async function dealReach(db: Db, sight: Sight, where: { id: string }): Promise<'write' | 'read' | 'none'> {
  if (await db.deal.findFirst({ where: { AND: [where, dealsInSight(sight, 'write')] }, select: { id: true } }))
    return 'write';
  if (await db.deal.findFirst({ where: { AND: [where, dealsInSight(sight, 'read')] }, select: { id: true } }))
    return 'read';
  return 'none';
}
