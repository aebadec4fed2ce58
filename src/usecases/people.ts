/**
 * Saving a person (a Rep row): who they are, their role and reporting line, and their
 * availability. The story: assertAllowed → resolve manager and delegate → save → audit, in one
 * transaction, so a refused or invalid change leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, PersonRole } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { decidePersonEdit, PERSON_FIELDS, type EditorRelation } from '../domain/person-permissions';
import { recordAudit } from '../db/audit-trail';
import { LeadflowError } from '../domain/errors';
import type { Language } from '../domain/languages';

/** Every field optional: an omitted field keeps its value, `null` clears it. */
export interface PersonUpdate {
  name?: string;
  role?: PersonRole;
  managerEmail?: string | null;
  timeZone?: string;
  language?: Language;
  active?: boolean;
  outOfOffice?: { from: Date | null; until: Date | null } | null;
  delegateEmail?: string | null;
  maxOpenLeads?: number | null;
}

export interface SavePersonInput {
  tenant: string;
  email: string;
  update: PersonUpdate;
  /** An authenticated person (checked against the permissions), or the operator at the console. */
  by: Actor | { system: 'cli' | 'bootstrap' };
  /** The name routing.yaml gives an email, for people the rules know but the table does not. */
  nameFromRules: (email: string) => string | undefined;
  now: Date;
}

interface FieldProblem {
  path: string;
  message: string;
}

type Tx = Prisma.TransactionClient;

/**
 * Creates or updates the person's row; returns whether it was created. A manager or delegate
 * must be a known person (in the rules or stored); one from the rules gets a row on defaults.
 */
export async function savePerson(db: Db, input: SavePersonInput): Promise<{ created: boolean }> {
  const { tenant, email, update } = input;
  return db.$transaction(async (tx) => {
    const existing = await tx.rep.findUnique({ where: { tenant_email: { tenant, email } } });
    if ('email' in input.by) await assertAllowed(tx, input.by, tenant, email, existing, update);
    const problems: FieldProblem[] = [];

    const name = update.name ?? existing?.name ?? input.nameFromRules(email);
    if (!name)
      problems.push({
        path: 'name',
        message: `is required: ${email} is not in routing.yaml, so leadflow does not know their name`,
      });

    /** The row id of a manager or delegate, creating a default row for one known only from the rules. */
    const idOf = async (
      field: 'managerEmail' | 'delegateEmail',
      target: string | null | undefined,
      current: string | null,
    ): Promise<string | null> => {
      if (target === undefined) return current;
      if (target === null) return null;
      if (target === email) {
        problems.push({ path: field, message: `cannot be the rep themself (${email})` });
        return null;
      }
      const row = await tx.rep.findUnique({ where: { tenant_email: { tenant, email: target } } });
      if (row) return row.id;
      const ruleName = input.nameFromRules(target);
      if (!ruleName) {
        problems.push({
          path: field,
          message: `no rep ${target} in routing.yaml or in tenant ${tenant}; create them first with PUT /api/reps/${target}`,
        });
        return null;
      }
      return (await tx.rep.create({ data: { id: newRepId(), tenant, email: target, name: ruleName } })).id;
    };
    const managerId = await idOf('managerEmail', update.managerEmail, existing?.managerId ?? null);
    const delegateId = await idOf('delegateEmail', update.delegateEmail, existing?.delegateId ?? null);
    problems.push(...(await lockoutProblems(tx, input, existing)));
    if (existing && managerId && (await managesViaChain(tx, existing.id, managerId))) {
      problems.push({
        path: 'managerEmail',
        message: `${update.managerEmail ?? ''} reports to ${email} already; a manager chain cannot go round in a circle`,
      });
    }
    if (problems.length || !name)
      // Each problem is about what is stored (routing.yaml, the manager chain), not the request's shape.
      throw new LeadflowError('unprocessable', 'The rep is invalid; see fields.', { details: problems });

    const data = {
      name,
      managerId,
      delegateId,
      ...(update.role !== undefined ? { role: update.role } : {}),
      ...(update.timeZone !== undefined ? { timeZone: update.timeZone } : {}),
      ...(update.language !== undefined ? { language: update.language } : {}),
      ...(update.active !== undefined ? { active: update.active } : {}),
      ...(update.maxOpenLeads !== undefined ? { maxOpenLeads: update.maxOpenLeads } : {}),
      ...(update.outOfOffice !== undefined
        ? { outOfOfficeFrom: update.outOfOffice?.from ?? null, outOfOfficeUntil: update.outOfOffice?.until ?? null }
        : {}),
    };
    if (existing) await tx.rep.update({ where: { id: existing.id }, data });
    else await tx.rep.create({ data: { id: newRepId(), tenant, email, ...data } });
    await recordAudit(tx, {
      tenant,
      subjectType: 'person',
      subjectId: email,
      action: existing ? 'person.updated' : 'person.created',
      actor: 'email' in input.by ? input.by.email : 'system',
      details: {
        changes: JSON.parse(JSON.stringify(update)) as Record<string, unknown>,
        ...('system' in input.by ? { via: input.by.system } : {}),
      },
      occurredAt: input.now,
    });
    return { created: !existing };
  });
}

/**
 * The changes that would lock people out: a person deactivating themselves (their token and
 * sessions would stop at once, and only someone else could undo it), and the tenant's last active
 * RevOps person leaving the role or being deactivated (nobody could manage people or rules any more).
 */
async function lockoutProblems(
  tx: Tx,
  input: SavePersonInput,
  existing: { role: string; active: boolean } | null,
): Promise<FieldProblem[]> {
  const { tenant, email, update } = input;
  const problems: FieldProblem[] = [];
  if (update.active === false && 'email' in input.by && input.by.email === email && existing?.active)
    problems.push({
      path: 'active',
      message: `${email} cannot deactivate themselves (their token and sessions would stop working at once); their manager or RevOps can, or set outOfOffice for an absence`,
    });
  // The operator at the console (`leadflow people`) is the way back, so only the API is held to it.
  const leavesRevops =
    'email' in input.by &&
    existing?.role === 'revops' &&
    existing.active &&
    ((update.role !== undefined && update.role !== 'revops') || update.active === false);
  if (leavesRevops) {
    const others = await tx.rep.count({
      where: { tenant, role: 'revops', active: true, NOT: { email } },
    });
    if (others === 0)
      problems.push({
        path: update.role !== undefined && update.role !== 'revops' ? 'role' : 'active',
        message: `${email} is the only active RevOps person of tenant ${tenant}; give someone else the revops role first, or nobody could manage people and rules`,
      });
  }
  return problems;
}

/** 403 unless the actor may write these fields of this person (see decidePersonEdit). */
async function assertAllowed(
  tx: Tx,
  actor: Actor,
  tenant: string,
  email: string,
  existing: { managerId: string | null } | null,
  update: PersonUpdate,
): Promise<void> {
  if (actor.tenant !== tenant)
    throw new LeadflowError(
      'forbidden',
      `${actor.email} is a person of tenant ${actor.tenant} and cannot change people of tenant ${tenant}.`,
    );
  const fields = PERSON_FIELDS.filter((field) => update[field] !== undefined);
  const decision = decidePersonEdit(
    { role: actor.role, relation: await relationOf(tx, actor, email, existing) },
    fields,
  );
  if (decision.kind === 'allowed') return;
  const may = decision.allowed.length
    ? `; ${actor.email} may change only ${decision.allowed.join(', ')} of ${email}`
    : '';
  const what = !existing
    ? `Creating person ${email}`
    : decision.denied.length
      ? `Changing ${decision.denied.join(', ')} of ${email}`
      : `Changing ${email}`;
  throw new LeadflowError('forbidden', `${what} needs the revops role (${actor.email} is ${actor.role})${may}.`);
}

async function relationOf(
  tx: Tx,
  actor: Actor,
  email: string,
  existing: { managerId: string | null } | null,
): Promise<EditorRelation> {
  if (actor.email === email) return 'self';
  if (!existing?.managerId) return 'other';
  const actorRow = await tx.rep.findUnique({
    where: { tenant_email: { tenant: actor.tenant, email: actor.email } },
    select: { id: true },
  });
  return actorRow?.id === existing.managerId ? 'manager' : 'other';
}

/** Whether `repId` already sits above `managerId` in the management chain. */
async function managesViaChain(tx: Tx, repId: string, managerId: string): Promise<boolean> {
  const seen = new Set<string>();
  for (let current: string | null = managerId; current !== null && !seen.has(current);) {
    if (current === repId) return true;
    seen.add(current);
    const next: { managerId: string | null } | null = await tx.rep.findUnique({
      where: { id: current },
      select: { managerId: true },
    });
    current = next?.managerId ?? null;
  }
  return false;
}

function newRepId(): string {
  return `rep_${randomUUID().replaceAll('-', '')}`;
}
