import type { Client } from '@temporalio/client';
import type { Db, Prisma } from '../db/client';
import { journeyState, type JourneyState } from '../../workflows/messages';
import { isDatabaseUnavailable, isTemporalUnavailable } from './availability';
import { LeadflowError } from '../domain/errors';
import { leadsInSight, type Sight } from './visibility';

export type JourneyView =
  | ({ status: 'live' } & JourneyState)
  /** The workflow engine is unreachable: the stored lead is still shown, flagged as such. */
  | { status: 'unavailable'; message: string }
  | { status: 'not_found'; message: string };

/**
 * Reads a lead for display: its stored record and history from the database, and its live
 * journey state through a workflow query. A Temporal outage degrades the journey part only.
 */
export async function viewLead(deps: { db: Db; temporal: Client }, leadId: string) {
  const lead = await readOrUnavailable(() =>
    deps.db.lead.findUnique({
      where: { id: leadId },
      include: {
        interactions: {
          orderBy: { occurredAt: 'asc' },
          select: { kind: true, source: true, occurredAt: true, payload: true },
        },
        stageEvents: {
          orderBy: { occurredAt: 'asc' },
          select: { fromStage: true, toStage: true, reason: true, rulesetVersion: true, occurredAt: true },
        },
        decisions: {
          orderBy: { decidedAt: 'asc' },
          select: { kind: true, outcome: true, explanation: true, rulesetVersion: true, decidedAt: true },
        },
        tasks: {
          orderBy: { dueAt: 'asc' },
          select: { kind: true, title: true, ownerEmail: true, dueAt: true, status: true },
        },
        emails: {
          orderBy: { createdAt: 'asc' },
          select: { toAddress: true, subject: true, template: true, status: true, sentAt: true },
        },
        enrolments: {
          orderBy: { enrolledAt: 'asc' },
          select: { cadence: true, status: true, nextStepName: true, nextStepAt: true, stoppedReason: true },
        },
      },
    }),
  );
  if (!lead) throw new LeadflowError('not_found', `No lead with id ${leadId}.`);
  return { ...lead, journey: await queryJourney(deps.temporal, lead.journeyId) };
}

async function queryJourney(temporal: Client, journeyId: string): Promise<JourneyView> {
  try {
    const state = await temporal.workflow.getHandle(journeyId).query(journeyState);
    return { status: 'live', ...state };
  } catch (error) {
    if (isTemporalUnavailable(error))
      return { status: 'unavailable', message: 'Temporal is unreachable; showing stored data only.' };
    if ((error as { name?: string }).name === 'WorkflowNotFoundError')
      return { status: 'not_found', message: `Journey ${journeyId} does not exist in Temporal.` };
    throw error;
  }
}

async function readOrUnavailable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isDatabaseUnavailable(error))
      throw new LeadflowError('database_unavailable', 'The database is unreachable. Retry shortly.', { cause: error });
    throw error;
  }
}

/** Orders of the lead list: newest first, or highest score first (the MQL queue by score). */
export const LEAD_LIST_SORTS = ['newest', 'score'] as const;
export type LeadListSort = (typeof LEAD_LIST_SORTS)[number];

/**
 * A page's `nextCursor`: with `newest`, the last lead's id; with `score`, the last lead's place in
 * that order, `<score>.<mqlAt in ms | none>.<id>`, so the next page starts after it even when its
 * score changed meanwhile.
 */
const SCORE_CURSOR = /^(-?\d{1,9})\.(\d{1,13}|none)\.(ld_[A-Za-z0-9_-]{22})$/;
export const LEAD_LIST_CURSOR = /^(ld_[A-Za-z0-9_-]{22}|-?\d{1,9}\.(\d{1,13}|none)\.ld_[A-Za-z0-9_-]{22})$/;
export const isScoreCursor = (cursor: string) => SCORE_CURSOR.test(cursor);

export interface LeadListQuery {
  tenant?: string;
  stage?: string;
  owner?: string;
  queue?: string;
  sort: LeadListSort;
  limit: number;
  /** The previous page's `nextCursor`. */
  cursor?: string;
}

/**
 * The leads in the caller's sight (./visibility.ts), filtered and paged by keyset: newest first,
 * or by score. The MQL queue sales managers work from is `?stage=mql&queue=unassigned-mql` or
 * `?stage=mql&owner=alice@…`, with `sort=score` to take the hottest lead first.
 */
export async function listLeads(deps: { db: Db }, query: LeadListQuery & { sight: Sight }) {
  const filters: Prisma.LeadWhereInput = {
    ...(query.stage ? { stage: query.stage } : {}),
    ...(query.owner ? { ownerId: query.owner } : {}),
    ...(query.queue ? { queue: query.queue } : {}),
  };
  const byScore = query.sort === 'score';
  const after = byScore && query.cursor ? afterScoreCursor(query.cursor) : {};
  const rows = await readOrUnavailable(() =>
    deps.db.lead.findMany({
      where: { AND: [leadsInSight(query.sight), filters, after] },
      orderBy: byScore
        ? [{ score: 'desc' }, { mqlAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }]
        : [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(!byScore && query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
      select: LEAD_SUMMARY,
    }),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? byScore
        ? `${last.score}.${last.mqlAt?.getTime() ?? 'none'}.${last.id}`
        : last.id
      : null;
  return { leads: page, nextCursor };
}

const LEAD_SUMMARY = {
  id: true,
  email: true,
  externalId: true,
  firstName: true,
  lastName: true,
  company: true,
  stage: true,
  score: true,
  ownerId: true,
  queue: true,
  source: true,
  slaStatus: true,
  slaDueAt: true,
  mqlAt: true,
  createdAt: true,
} as const;

/** The leads after a `score` cursor: lower score; or the same score and a later (or no) mqlAt; or both the same and a later id. */
function afterScoreCursor(cursor: string): Prisma.LeadWhereInput {
  const [, score, mqlAt, id] = SCORE_CURSOR.exec(cursor) ?? [];
  const at = mqlAt === 'none' || mqlAt === undefined ? null : new Date(Number(mqlAt));
  const sameScore = Number(score);
  return {
    OR: [
      { score: { lt: sameScore } },
      at === null
        ? { score: sameScore, mqlAt: null, id: { gt: id } }
        : {
            score: sameScore,
            OR: [{ mqlAt: { gt: at } }, { mqlAt: null }, { mqlAt: at, id: { gt: id } }],
          },
    ],
  };
}
