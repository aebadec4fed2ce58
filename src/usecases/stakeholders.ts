/**
 * A deal's stakeholders: the contacts at its account, with their buying role, influence and
 * reporting line, and the graph the deal desk draws from them. Reads are open to anyone in the
 * tenant; writes to the deal's owner, their managers and RevOps, and each write is audited.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import {
  INFLUENCE_LEVELS,
  STAKEHOLDER_ROLES,
  reportingCycle,
  stakeholderGraph,
  type Influence,
  type Stakeholder,
  type StakeholderGraph,
  type StakeholderRole,
} from '../domain/stakeholders';
import { auditDeal, findDeal, findWritableDeal } from './deal-access';
import { LeadflowError } from '../domain/errors';
import type { Language } from '../email/i18n';

type ContactRow = NonNullable<Awaited<ReturnType<Db['contact']['findFirst']>>>;

/** A stakeholder as the API shows it. */
export interface StakeholderView {
  id: string;
  accountId: string;
  name: string;
  email: string | null;
  title: string | null;
  role: StakeholderRole;
  influence: Influence;
  reportsToId: string | null;
  engagedAt: string | null;
  notes: string | null;
  /** en | zh-CN; null: the deal's lead's language. */
  language: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StakeholderInput {
  name: string;
  email?: string | null;
  title?: string | null;
  role: StakeholderRole;
  influence?: Influence;
  reportsToId?: string | null;
  notes?: string | null;
  language?: Language | null;
}

/** PATCH: an omitted field keeps its value, `null` clears an optional one. */
export type StakeholderChanges = Partial<StakeholderInput>;

/** The stakeholders at the deal's account, by name. */
export async function listStakeholders(db: Db, actor: Actor, dealId: string): Promise<StakeholderView[]> {
  const deal = await findDeal(db, actor.tenant, dealId);
  const contacts = await contactsByName(db, deal.accountId);
  return contacts.map(toView);
}

export async function getStakeholder(
  db: Db,
  actor: Actor,
  dealId: string,
  contactId: string,
): Promise<StakeholderView> {
  const deal = await findDeal(db, actor.tenant, dealId);
  return toView(await findContact(db, deal, contactId));
}

/** The stakeholders as nodes, `reports-to` edges, and what the rep should worry about. */
export async function getStakeholderGraph(
  db: Db,
  actor: Actor,
  dealId: string,
): Promise<Omit<StakeholderGraph, 'nodes'> & { dealId: string; nodes: StakeholderView[] }> {
  const deal = await findDeal(db, actor.tenant, dealId);
  const contacts = await contactsByName(db, deal.accountId);
  const graph = stakeholderGraph(contacts.map(toStakeholder));
  return { dealId: deal.id, nodes: contacts.map(toView), edges: graph.edges, warnings: graph.warnings };
}

export async function addStakeholder(
  db: Db,
  actor: Actor,
  dealId: string,
  input: StakeholderInput,
  now: Date,
): Promise<StakeholderView> {
  return db.$transaction(async (tx) => {
    const deal = await findWritableDeal(tx, actor, dealId);
    const id = `ct_${randomUUID().replaceAll('-', '')}`;
    await checkContact(tx, deal, id, { email: input.email ?? null, reportsToId: input.reportsToId ?? null });
    const contact = await tx.contact.create({
      data: {
        id,
        tenant: deal.tenant,
        accountId: deal.accountId,
        name: input.name,
        email: input.email ?? null,
        title: input.title ?? null,
        role: input.role,
        influence: input.influence ?? 'medium',
        reportsToId: input.reportsToId ?? null,
        notes: input.notes ?? null,
        language: input.language ?? null,
      },
    });
    await auditDeal(tx, actor, deal, 'deal.stakeholder-added', now, {
      contactId: id,
      name: input.name,
      role: input.role,
    });
    return toView(contact);
  });
}

export async function updateStakeholder(
  db: Db,
  actor: Actor,
  dealId: string,
  contactId: string,
  changes: StakeholderChanges,
  now: Date,
): Promise<StakeholderView> {
  return db.$transaction(async (tx) => {
    const deal = await findWritableDeal(tx, actor, dealId);
    const existing = await findContact(tx, deal, contactId);
    const email = changes.email === undefined ? existing.email : changes.email;
    const reportsToId = changes.reportsToId === undefined ? existing.reportsToId : changes.reportsToId;
    await checkContact(tx, deal, contactId, { email, reportsToId });
    const contact = await tx.contact.update({
      where: { id: contactId },
      data: {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(changes.influence !== undefined ? { influence: changes.influence } : {}),
        ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
        ...(changes.language !== undefined ? { language: changes.language } : {}),
        email,
        reportsToId,
      },
    });
    await auditDeal(tx, actor, deal, 'deal.stakeholder-updated', now, { contactId, changes });
    return toView(contact);
  });
}

/** Removes a stakeholder; whoever reported to them now reports to nobody. */
export async function removeStakeholder(
  db: Db,
  actor: Actor,
  dealId: string,
  contactId: string,
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const deal = await findWritableDeal(tx, actor, dealId);
    const existing = await findContact(tx, deal, contactId);
    const orphaned = await tx.contact.updateMany({
      where: { accountId: deal.accountId, reportsToId: contactId },
      data: { reportsToId: null },
    });
    await tx.contact.delete({ where: { id: contactId } });
    await auditDeal(tx, actor, deal, 'deal.stakeholder-removed', now, {
      contactId,
      name: existing.name,
      role: existing.role,
      reportsCleared: orphaned.count,
    });
  });
}

/** Records that a stakeholder took part (through the API: a reply, a call). */
export async function recordEngagement(
  db: Db,
  actor: Actor,
  dealId: string,
  contactId: string,
  at: Date,
  now: Date,
): Promise<StakeholderView> {
  return db.$transaction(async (tx) => {
    const deal = await findWritableDeal(tx, actor, dealId);
    await findContact(tx, deal, contactId);
    await markEngaged(tx, [contactId], at);
    await auditDeal(tx, actor, deal, 'deal.stakeholder-engaged', now, { contactId, at: at.toISOString() });
    return toView(await findContact(tx, deal, contactId));
  });
}

/**
 * Marks contacts engaged at `at` (a meeting they attended, a reply). Keeps the latest time: an
 * older engagement never overwrites a newer one. Returns how many contacts changed. For the
 * deal workflow's activities; the caller audits the meeting itself.
 */
export async function markEngaged(
  db: Pick<Db, 'contact'> | Prisma.TransactionClient,
  contactIds: readonly string[],
  at: Date,
): Promise<number> {
  if (contactIds.length === 0) return 0;
  const { count } = await db.contact.updateMany({
    where: { id: { in: [...contactIds] }, OR: [{ engagedAt: null }, { engagedAt: { lt: at } }] },
    data: { engagedAt: at },
  });
  return count;
}

/** The contacts at an account as the pure stakeholder domain sees them. */
export function toStakeholder(row: ContactRow): Stakeholder {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    title: row.title,
    role: storedRole(row),
    influence: storedInfluence(row),
    reportsToId: row.reportsToId,
    engagedAt: row.engagedAt,
  };
}

function toView(row: ContactRow): StakeholderView {
  return {
    id: row.id,
    accountId: row.accountId,
    name: row.name,
    email: row.email,
    title: row.title,
    role: storedRole(row),
    influence: storedInfluence(row),
    reportsToId: row.reportsToId,
    engagedAt: row.engagedAt?.toISOString() ?? null,
    notes: row.notes,
    language: row.language,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function storedRole(row: ContactRow): StakeholderRole {
  const role = STAKEHOLDER_ROLES.find((r) => r === row.role);
  if (!role) throw new LeadflowError('internal', `Contact ${row.id} has an unknown stakeholder role "${row.role}".`);
  return role;
}

function storedInfluence(row: ContactRow): Influence {
  return INFLUENCE_LEVELS.find((level) => level === row.influence) ?? 'medium';
}

type Tx = Prisma.TransactionClient;

/** By name (the same order on every database), then id. */
async function contactsByName(db: Db, accountId: string): Promise<ContactRow[]> {
  const contacts = await db.contact.findMany({ where: { accountId } });
  return contacts.sort((a, b) => a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id));
}
type DealRef = { id: string; tenant: string; accountId: string };

async function findContact(db: Pick<Db, 'contact'> | Tx, deal: DealRef, contactId: string): Promise<ContactRow> {
  const contact = await db.contact.findFirst({ where: { id: contactId, accountId: deal.accountId } });
  if (!contact) throw new LeadflowError('not_found', `No stakeholder ${contactId} at the account of deal ${deal.id}.`);
  return contact;
}

/** One email per account, and a manager at the same account that does not close a reporting circle. */
async function checkContact(
  tx: Tx,
  deal: DealRef,
  contactId: string,
  next: { email: string | null; reportsToId: string | null },
): Promise<void> {
  const contacts = await tx.contact.findMany({
    where: { accountId: deal.accountId },
    select: { id: true, name: true, email: true, reportsToId: true },
  });
  const fields: { path: string; message: string }[] = [];
  const sameEmail =
    next.email && contacts.find((c) => c.id !== contactId && c.email?.toLowerCase() === next.email?.toLowerCase());
  if (sameEmail)
    fields.push({
      path: 'email',
      message: `${sameEmail.name} (${sameEmail.id}) at this account already has this email`,
    });
  if (next.reportsToId !== null) {
    const names = new Map(contacts.map((c) => [c.id, c.name]));
    if (next.reportsToId === contactId)
      fields.push({ path: 'reportsToId', message: 'a stakeholder cannot report to themself' });
    else if (!names.has(next.reportsToId))
      fields.push({
        path: 'reportsToId',
        message: `no stakeholder ${next.reportsToId} at this account; add them first`,
      });
    else {
      const cycle = reportingCycle(new Map(contacts.map((c) => [c.id, c.reportsToId])), contactId, next.reportsToId);
      if (cycle)
        fields.push({
          path: 'reportsToId',
          message: `would make a reporting circle: ${cycle.map((id) => names.get(id) ?? 'this stakeholder').join(' → ')}`,
        });
    }
  }
  // Every problem here is about the account's stored stakeholders: a 422 (FieldError.unprocessable).
  if (fields.length)
    throw new LeadflowError('validation_failed', 'The stakeholder is invalid; see fields.', {
      details: fields.map((field) => ({ ...field, unprocessable: true })),
    });
}
