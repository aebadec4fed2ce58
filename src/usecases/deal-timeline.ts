/**
 * A deal's timeline: the calls, emails, meetings, demos and notes a rep logs, with outcomes, and
 * the materials sent (logged by the materials library). Newest first, paged by cursor.
 */
import { encodeKeyset, parseKeyset } from './keyset-cursor';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { auditDeal, findDeal, findWritableDeal } from './deal-access';
import { isUniqueViolation } from '../db/unique-violation';

/** What a person may log; `material` entries come from sending a material. */
export const LOGGED_ACTIVITY_KINDS = ['call', 'email', 'meeting', 'demo', 'note'] as const;
export type LoggedActivityKind = (typeof LOGGED_ACTIVITY_KINDS)[number];

type ActivityRow = NonNullable<Awaited<ReturnType<Db['dealActivity']['findFirst']>>>;

export interface ActivityView {
  id: string;
  dealId: string;
  kind: string;
  summary: string;
  outcome: string | null;
  actor: string | null;
  occurredAt: string;
  details: unknown;
}

export interface ActivityInput {
  kind: LoggedActivityKind;
  summary: string;
  outcome?: string | null;
  occurredAt?: Date;
  /** Logging again with the same key returns the first entry instead of a second one. */
  idempotencyKey?: string;
}

export interface ActivityPage {
  activities: ActivityView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Logs an activity. `created` is false when the idempotency key was already used on this deal. */
export async function logActivity(
  db: Db,
  actor: Actor,
  dealId: string,
  input: ActivityInput,
  now: Date,
): Promise<{ activity: ActivityView; created: boolean }> {
  const deal = await findWritableDeal(db, actor, dealId);
  const key = activityKey(deal.id, input.idempotencyKey);
  const earlier = await db.dealActivity.findUnique({ where: { idempotencyKey: key } });
  if (earlier) return { activity: toActivityView(earlier), created: false };
  try {
    const activity = await db.$transaction(async (tx) => {
      const row = await tx.dealActivity.create({
        data: {
          id: `act_${randomUUID().replaceAll('-', '')}`,
          dealId: deal.id,
          kind: input.kind,
          summary: input.summary,
          outcome: input.outcome ?? null,
          actor: actor.email,
          occurredAt: input.occurredAt ?? now,
          payload: {},
          idempotencyKey: key,
        },
      });
      await auditDeal(tx, actor, deal, 'deal.activity-logged', now, { activityId: row.id, kind: row.kind });
      return row;
    });
    return { activity: toActivityView(activity), created: true };
  } catch (error) {
    const raced = isUniqueViolation(error)
      ? await db.dealActivity.findUnique({ where: { idempotencyKey: key } })
      : null;
    if (raced) return { activity: toActivityView(raced), created: false };
    throw error;
  }
}

/** The deal's timeline, newest first; `before` is the cursor from the previous page. */
export async function listActivities(
  db: Db,
  actor: Actor,
  dealId: string,
  page: { limit: number; before?: string },
): Promise<ActivityPage> {
  const deal = await findDeal(db, actor.tenant, dealId);
  const cursor = page.before === undefined ? undefined : parseKeyset(page.before);
  const rows = await db.dealActivity.findMany({
    where: {
      dealId: deal.id,
      ...(cursor
        ? { OR: [{ occurredAt: { lt: cursor.occurredAt } }, { occurredAt: cursor.occurredAt, id: { lt: cursor.id } }] }
        : {}),
    },
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
  });
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    activities: shown.map(toActivityView),
    nextCursor: rows.length > page.limit && last ? encodeKeyset(last) : null,
  };
}

/** Adds a timeline entry inside another write (e.g. a material sent); keyed so a retry adds none. */
export async function appendActivity(
  tx: Prisma.TransactionClient,
  entry: {
    dealId: string;
    kind: 'material';
    summary: string;
    actor: string;
    occurredAt: Date;
    details: Prisma.InputJsonValue;
    idempotencyKey: string;
  },
): Promise<ActivityRow> {
  return tx.dealActivity.create({
    data: {
      id: `act_${randomUUID().replaceAll('-', '')}`,
      dealId: entry.dealId,
      kind: entry.kind,
      summary: entry.summary,
      outcome: null,
      actor: entry.actor,
      occurredAt: entry.occurredAt,
      payload: entry.details,
      idempotencyKey: entry.idempotencyKey,
    },
  });
}

/** Idempotency keys are unique across deals, so the deal's id scopes the caller's key. */
export function activityKey(dealId: string, idempotencyKey: string | undefined): string {
  return idempotencyKey === undefined ? `activity:${randomUUID()}` : `activity:${dealId}:${idempotencyKey}`;
}

export function toActivityView(row: ActivityRow): ActivityView {
  return {
    id: row.id,
    dealId: row.dealId,
    kind: row.kind,
    summary: row.summary,
    outcome: row.outcome,
    actor: row.actor,
    occurredAt: row.occurredAt.toISOString(),
    details: row.payload,
  };
}
