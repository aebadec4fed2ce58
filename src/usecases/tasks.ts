/**
 * A person's tasks: list them (theirs, or their team's for a manager) by status, due window,
 * lead, deal and kind; create one by hand; complete it; snooze it. Journeys write tasks too
 * (cadence call steps, SLA reminders, renewal reminders); this is where people work them off.
 *
 * Complete and snooze are commands, not edits, so they name no revision (as stage moves and
 * meeting outcomes do not): completing twice answers the done task, and a snooze sets the due
 * time outright.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { storedWording, type Worded } from '../domain/reason-codes';
import { dueRange, isOverdue, snoozeRefusal, type DueWindow, type TaskKind, type TaskStatus } from '../domain/tasks';
import { findDeal } from './deal-access';
import { encodeKeyset, parseKeyset } from './keyset-cursor';
import { leadsInSight, notFound, notYours, reach, tasksInSight, type Sight } from './visibility';

const withNames = {
  lead: { select: { id: true, firstName: true, lastName: true, email: true, externalId: true, company: true } },
} as const;
type TaskRow = Prisma.TaskGetPayload<{ include: typeof withNames }>;

export interface TaskView {
  id: string;
  kind: string;
  /** In English, or as the person wrote it. */
  title: string;
  /**
   * A title a journey wrote, as a code and values (src/domain/reason-codes.ts: a cadence step with
   * its text per language, an overdue first touch…); null for tasks written by hand and older ones.
   */
  titleText: Worded | null;
  notes: string | null;
  status: string;
  /** ISO-8601 instant. */
  dueAt: string;
  /** Open and past its due time. */
  overdue: boolean;
  ownerEmail: string | null;
  lead: { id: string; name: string; company: string | null };
  deal: { id: string; name: string } | null;
  /** manual: written by a person (createdBy); journey: written by a lead's or deal's workflow. */
  source: 'manual' | 'journey';
  createdBy: string | null;
  createdAt: string;
  snoozedAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
}

/** A lead's name as people say it: first and last name, else its email, else its external id. */
export function leadName(lead: {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  externalId: string | null;
  id: string;
}): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  return name || lead.email || lead.externalId || lead.id;
}

async function views(db: Db, rows: TaskRow[], now: Date): Promise<TaskView[]> {
  const dealIds = [...new Set(rows.flatMap((row) => (row.dealId ? [row.dealId] : [])))];
  const deals = dealIds.length
    ? await db.deal.findMany({ where: { id: { in: dealIds } }, select: { id: true, name: true } })
    : [];
  const dealName = new Map(deals.map((deal) => [deal.id, deal.name]));
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    title: row.title,
    titleText: storedWording(row.titleCode, row.titleParams),
    notes: row.notes,
    status: row.status,
    dueAt: row.dueAt.toISOString(),
    overdue: isOverdue(row, now),
    ownerEmail: row.ownerEmail,
    lead: { id: row.lead.id, name: leadName(row.lead), company: row.lead.company },
    deal: row.dealId ? { id: row.dealId, name: dealName.get(row.dealId) ?? row.dealId } : null,
    source: row.createdBy ? 'manual' : 'journey',
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    snoozedAt: row.snoozedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    completedBy: row.completedBy,
  }));
}

/** A person's IANA zone (their Rep row's); UTC for someone the roster does not know. */
export async function zoneOf(db: Pick<Db, 'rep'>, tenant: string, email: string): Promise<string> {
  const rep = await db.rep.findFirst({
    where: { tenant, email: { in: [email, email.toLowerCase()] } },
    select: { timeZone: true },
  });
  return rep?.timeZone ?? 'UTC';
}

export interface TaskFilter {
  /** An email, or `me`. */
  owner?: string;
  status: TaskStatus;
  due: DueWindow;
  leadId?: string;
  dealId?: string;
  kind?: TaskKind;
  limit: number;
  /** `nextCursor` of the previous page. */
  after?: string;
}

/**
 * The tasks in the caller's sight, soonest due first (then by id), a page at a time. Due windows
 * are read in the owner's zone when `owner` names one person, else in the caller's.
 */
export async function listTasks(
  db: Db,
  actor: Actor,
  sight: Sight,
  filter: TaskFilter,
  now: Date,
): Promise<{ tasks: TaskView[]; nextCursor: string | null; timeZone: string }> {
  const owner = filter.owner === 'me' ? actor.email : filter.owner;
  const timeZone = await zoneOf(db, actor.tenant, owner ?? actor.email);
  const range = dueRange(filter.due, now, timeZone);
  const cursor = filter.after === undefined ? undefined : parseKeyset(filter.after);
  const rows = await db.task.findMany({
    where: {
      AND: [
        tasksInSight(sight),
        { status: filter.status },
        owner ? { ownerEmail: { in: [owner, owner.toLowerCase()] } } : {},
        filter.leadId ? { leadId: filter.leadId } : {},
        filter.dealId ? { dealId: filter.dealId } : {},
        filter.kind ? { kind: filter.kind } : {},
        range.from || range.before
          ? { dueAt: { ...(range.from ? { gte: range.from } : {}), ...(range.before ? { lt: range.before } : {}) } }
          : {},
        cursor
          ? {
              OR: [{ dueAt: { gt: cursor.occurredAt } }, { dueAt: cursor.occurredAt, id: { gt: cursor.id } }],
            }
          : {},
      ],
    },
    include: withNames,
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: filter.limit + 1,
  });
  const shown = rows.slice(0, filter.limit);
  const last = shown.at(-1);
  return {
    tasks: await views(db, shown, now),
    nextCursor: rows.length > filter.limit && last ? encodeKeyset({ occurredAt: last.dueAt, id: last.id }) : null,
    timeZone,
  };
}

export interface TaskDraft {
  title: string;
  kind: TaskKind;
  dueAt: Date;
  leadId?: string;
  dealId?: string;
  ownerEmail?: string;
  notes?: string;
}

const unprocessable = (path: string, message: string) =>
  new LeadflowError('unprocessable', 'The task cannot be created; see fields.', {
    details: [{ path, message, unprocessable: true }],
  });

/**
 * Creates a task by hand on a lead, or on a deal (and so on the deal's lead). The caller must be
 * able to change the lead or deal; the owner is the caller unless they name someone in their
 * sight (a manager their report; revops anyone on the roster).
 */
export async function createTask(db: Db, actor: Actor, sight: Sight, draft: TaskDraft): Promise<TaskView> {
  let leadId = draft.leadId;
  if (draft.dealId) {
    // As on the deal's own routes: out of sight is not found; in sight but not theirs is forbidden.
    const reached = await reach(db, sight, 'deal', draft.dealId);
    if (reached === 'none') throw notFound('deal', draft.dealId, actor.tenant);
    if (reached === 'read') throw notYours('deal', draft.dealId, actor);
    const deal = await findDeal(db, actor.tenant, draft.dealId);
    if (leadId !== undefined && leadId !== deal.leadId)
      throw unprocessable(
        'leadId',
        `is not the lead of deal ${deal.id} (${deal.leadId}); give one of them, or both matching`,
      );
    leadId = deal.leadId;
  } else if (leadId !== undefined) {
    const lead = await db.lead.findFirst({
      where: { AND: [{ id: leadId }, leadsInSight(sight)] },
      select: { id: true },
    });
    if (!lead) throw notFound('lead', leadId, actor.tenant);
  }
  if (leadId === undefined) throw unprocessable('leadId', 'give a leadId or a dealId');
  const ownerEmail = await ownerFor(db, actor, sight, draft.ownerEmail);
  const row = await db.task.create({
    data: {
      id: `tk_${randomBytes(16).toString('base64url')}`,
      leadId,
      dealId: draft.dealId ?? null,
      ownerEmail,
      kind: draft.kind,
      title: draft.title,
      notes: draft.notes ?? null,
      dueAt: draft.dueAt,
      createdBy: actor.email,
    },
    include: withNames,
  });
  return (await views(db, [row], new Date()))[0]!;
}

/** The task's owner: the caller by default; someone else only within the caller's sight and on the roster. */
async function ownerFor(db: Db, actor: Actor, sight: Sight, named: string | undefined): Promise<string> {
  if (named === undefined || named.toLowerCase() === actor.email.toLowerCase()) return actor.email;
  const person = await db.rep.findFirst({
    where: { tenant: actor.tenant, email: { in: [named, named.toLowerCase()] } },
    select: { email: true, active: true },
  });
  if (!person || !person.active)
    throw unprocessable('ownerEmail', `${named} is not an active person of tenant ${actor.tenant}`);
  const mine = sight.all || sight.owners.some((owner) => owner.toLowerCase() === person.email.toLowerCase());
  if (!mine)
    throw new LeadflowError(
      'forbidden',
      `${actor.email} may give tasks to themself and the people who report to them, not to ${person.email}.`,
    );
  return person.email;
}

async function taskRow(db: Db, actor: Actor, sight: Sight, taskId: string): Promise<TaskRow> {
  const row = await db.task.findFirst({ where: { AND: [{ id: taskId }, tasksInSight(sight)] }, include: withNames });
  if (!row) throw notFound('task', taskId, actor.tenant);
  return row;
}

/** Marks an open task done; a done task is answered as it is. A cancelled task cannot be completed (422). */
export async function completeTask(db: Db, actor: Actor, sight: Sight, taskId: string, now: Date): Promise<TaskView> {
  const task = await taskRow(db, actor, sight, taskId);
  if (task.status === 'open')
    await db.task.updateMany({
      where: { id: task.id, status: 'open' },
      data: { status: 'done', completedAt: now, completedBy: actor.email },
    });
  const after = await taskRow(db, actor, sight, taskId);
  if (after.status === 'cancelled')
    throw new LeadflowError('unprocessable', `Task ${taskId} is cancelled; it cannot be completed.`, {
      details: [
        { path: 'status', message: 'the task is cancelled; only an open task can be completed', unprocessable: true },
      ],
    });
  return (await views(db, [after], now))[0]!;
}

/** Puts an open task off until `until` (a future instant); a done or cancelled task is a 422. */
export async function snoozeTask(
  db: Db,
  actor: Actor,
  sight: Sight,
  taskId: string,
  until: Date,
  now: Date,
): Promise<TaskView> {
  const task = await taskRow(db, actor, sight, taskId);
  const refusal = snoozeRefusal(task, until, now);
  if (refusal)
    throw new LeadflowError('unprocessable', `Task ${taskId} cannot be snoozed; see fields.`, {
      details: [{ path: 'until', message: refusal, unprocessable: true }],
    });
  const { count } = await db.task.updateMany({
    where: { id: task.id, status: 'open' },
    data: { dueAt: until, snoozedAt: now },
  });
  const after = await taskRow(db, actor, sight, taskId);
  if (count === 0)
    throw new LeadflowError('unprocessable', `Task ${taskId} cannot be snoozed; see fields.`, {
      details: [
        {
          path: 'until',
          message: `the task is ${after.status}; only an open task can be snoozed`,
          unprocessable: true,
        },
      ],
    });
  return (await views(db, [after], now))[0]!;
}

/** Open tasks due before `before`, soonest first: the "tasks due" of a person's My work. */
export async function dueTasks(db: Db, where: Prisma.TaskWhereInput, before: Date, now: Date, take: number) {
  const rows = await db.task.findMany({
    where: { AND: [where, { status: 'open', dueAt: { lt: before } }] },
    include: withNames,
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take,
  });
  return views(db, rows, now);
}
