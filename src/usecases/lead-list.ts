/**
 * The lead list sales people work from: search by name, email or company, filter by stage, owner,
 * queue, source and score, and sort newest first, by score or by last activity, paged by keyset.
 */
import type { Db, Prisma } from '../db/client';
import type { LeadSource, LeadStage } from '../domain/lead';
import { readOrUnavailable } from './lead-view';
import { leadsInSight, type Sight } from './visibility';

/** Orders of the lead list: newest first, highest score first, or most recent activity first. */
export const LEAD_LIST_SORTS = ['newest', 'score', 'activity'] as const;
export type LeadListSort = (typeof LEAD_LIST_SORTS)[number];

const ID = 'ld_[A-Za-z0-9_-]{22}';
/** `newest`: the last lead's id. */
const NEWEST_CURSOR = new RegExp(`^(${ID})$`);
/** `score`: `<score>.<mqlAt in ms | none>.<id>`, the last lead's place in that order. */
const SCORE_CURSOR = new RegExp(`^(-?\\d{1,9})\\.(\\d{1,13}|none)\\.(${ID})$`);
/** `activity`: `at.<lastActivityAt in ms | none>.<id>`. */
const ACTIVITY_CURSOR = new RegExp(`^at\\.(\\d{1,13}|none)\\.(${ID})$`);

/**
 * A page's `nextCursor` is the last lead's place in the page's order, so the next page starts
 * after it even when the lead's score or activity changed meanwhile.
 */
export const LEAD_LIST_CURSOR = new RegExp(
  `^(${ID}|-?\\d{1,9}\\.(\\d{1,13}|none)\\.${ID}|at\\.(\\d{1,13}|none)\\.${ID})$`,
);

/** The order a well-formed cursor belongs to. */
export function cursorSort(cursor: string): LeadListSort | undefined {
  if (NEWEST_CURSOR.test(cursor)) return 'newest';
  if (SCORE_CURSOR.test(cursor)) return 'score';
  if (ACTIVITY_CURSOR.test(cursor)) return 'activity';
  return undefined;
}

export interface LeadListQuery {
  tenant?: string;
  /** Words that must each appear in the name, email or company (any case). */
  q?: string;
  stage?: LeadStage;
  /** An owner's email, or `me` (the caller). */
  owner?: string;
  queue?: string;
  source?: LeadSource;
  minScore?: number;
  maxScore?: number;
  sort: LeadListSort;
  limit: number;
  /** The previous page's `nextCursor`. */
  cursor?: string;
}

/**
 * The leads in the caller's sight (./visibility.ts), filtered and paged by keyset. The MQL queue
 * sales managers work from is `?stage=mql&queue=unassigned-mql` or `?stage=mql&owner=me`, with
 * `sort=score` to take the hottest lead first.
 */
export async function listLeads(deps: { db: Db }, query: LeadListQuery & { sight: Sight }) {
  const where: Prisma.LeadWhereInput[] = [leadsInSight(query.sight), filtersOf(query, providerOf(deps.db))];
  if (query.cursor && query.sort !== 'newest') where.push(afterCursor(query.sort, query.cursor));
  const rows = await readOrUnavailable(() =>
    deps.db.lead.findMany({
      where: { AND: where },
      orderBy: ORDERS[query.sort],
      take: query.limit + 1,
      ...(query.sort === 'newest' && query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
      select: LEAD_SUMMARY,
    }),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { leads: page, nextCursor: rows.length > query.limit && last ? cursorOf(query.sort, last) : null };
}

const ORDERS: Record<LeadListSort, Prisma.LeadOrderByWithRelationInput[]> = {
  newest: [{ createdAt: 'desc' }, { id: 'desc' }],
  score: [{ score: 'desc' }, { mqlAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
  activity: [{ lastActivityAt: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }],
};

type Summary = { id: string; score: number; mqlAt: Date | null; lastActivityAt: Date | null };

function cursorOf(sort: LeadListSort, last: Summary): string {
  switch (sort) {
    case 'newest':
      return last.id;
    case 'score':
      return `${last.score}.${last.mqlAt?.getTime() ?? 'none'}.${last.id}`;
    case 'activity':
      return `at.${last.lastActivityAt?.getTime() ?? 'none'}.${last.id}`;
  }
}

type Provider = 'sqlite' | 'postgresql';

function providerOf(db: Db): Provider {
  // Both generated clients share one TypeScript type (see src/db/client.ts); the runtime knows which it is.
  return (db as unknown as { _activeProvider?: string })._activeProvider === 'postgresql' ? 'postgresql' : 'sqlite';
}

function filtersOf(query: LeadListQuery & { sight: Sight }, provider: Provider): Prisma.LeadWhereInput {
  const owner = query.owner === 'me' ? query.sight.me : query.owner;
  return {
    AND: [
      ...(query.stage ? [{ stage: query.stage }] : []),
      // Owners are stored as the roster spells them; `me` is the caller in any case.
      ...(owner ? [{ ownerId: { in: [...new Set([owner, owner.toLowerCase()])] } }] : []),
      ...(query.queue ? [{ queue: query.queue }] : []),
      ...(query.source ? [{ source: query.source }] : []),
      ...(query.minScore !== undefined ? [{ score: { gte: query.minScore } }] : []),
      ...(query.maxScore !== undefined ? [{ score: { lte: query.maxScore } }] : []),
      ...searchTerms(query.q).map((term) => matching(term, provider)),
    ],
  };
}

/**
 * The words of a search; each must match. `%`, `_` and `\\` separate words too: the databases'
 * LIKE would read them as wildcards, and Prisma does not escape them (`john_smith` looks for
 * `john` and `smith`).
 */
export function searchTerms(q: string | undefined): string[] {
  return (q ?? '').split(/[\s%_\\]+/).filter((term) => term !== '');
}

/**
 * Leads whose first name, last name, email or company contains `term`, in any case. SQLite's LIKE
 * (what Prisma's `contains` becomes there) ignores the case of ASCII letters; PostgreSQL needs
 * `mode: 'insensitive'` (ILIKE), which SQLite's client does not accept.
 */
function matching(term: string, provider: Provider): Prisma.LeadWhereInput {
  const contains = (provider === 'postgresql'
    ? { contains: term, mode: 'insensitive' }
    : { contains: term }) as unknown as Prisma.StringNullableFilter;
  return {
    OR: [{ firstName: contains }, { lastName: contains }, { email: contains }, { company: contains }],
  };
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
  lastActivityAt: true,
  createdAt: true,
} as const;

function afterCursor(sort: 'score' | 'activity', cursor: string): Prisma.LeadWhereInput {
  return sort === 'score' ? afterScoreCursor(cursor) : afterActivityCursor(cursor);
}

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

/** The leads after an `activity` cursor: older (or no) activity, or the same and a later id. */
function afterActivityCursor(cursor: string): Prisma.LeadWhereInput {
  const [, lastAt, id] = ACTIVITY_CURSOR.exec(cursor) ?? [];
  if (lastAt === 'none' || lastAt === undefined) return { lastActivityAt: null, id: { gt: id } };
  const at = new Date(Number(lastAt));
  return { OR: [{ lastActivityAt: { lt: at } }, { lastActivityAt: null }, { lastActivityAt: at, id: { gt: id } }] };
}
