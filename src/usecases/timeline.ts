/**
 * One merged timeline for a lead or a deal, newest first: the lead's submissions, behaviours and
 * touches, emails, stage changes, BANT and assignments; for a deal also its logged activities and
 * its audit trail (meetings, quotes sent, approval requests, steps and decisions, signatures,
 * contract events), after the history of the lead it came from.
 *
 * Paging is by keyset over (time, item id) across every source: each source is read after the
 * cursor in its own order, the pages are merged, and the first `limit` items are kept. An item id
 * is `<source letter>:<row id>`, so ties at the same millisecond still have one order.
 */
import type { Db } from '../db/client';
import type { Worded } from '../domain/reason-codes';
import { encodeKeyset, parseKeyset, type KeysetPosition } from './keyset-cursor';
import { dealSources, leadSources, type Source, type TimeFilter } from './timeline-sources';

export const LEAD_TIMELINE_KINDS = [
  'submission',
  'behaviour',
  'touch',
  'email',
  'stage-change',
  'qualification',
  'assignment',
] as const;
export const DEAL_TIMELINE_KINDS = [
  'deal-created',
  'deal-stage-change',
  'deal-update',
  'deal-activity',
  'meeting',
  'quote',
  'quote-sent',
  'approval-requested',
  'approval-step',
  'approval-decision',
  'signature',
  'contract',
] as const;
export const TIMELINE_KINDS = [...LEAD_TIMELINE_KINDS, ...DEAL_TIMELINE_KINDS] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/**
 * What happened, as a code and its values, for a client to word in its own language (the
 * workspace does, in English and Chinese); `note` is what a person wrote (a note, a reason), shown
 * as written. Codes: see TIMELINE_EVENT_CODES; an audit entry's code is its audit action.
 */
export interface TimelineEvent {
  code: string;
  params: Record<string, string | number | null>;
  note: string | null;
  /**
   * Why, as leadflow wrote it, in codes (src/domain/reason-codes.ts): a stage change's or an
   * assignment's reason, a qualification's unmet criteria. Empty for rows from before codes, whose
   * English reason is `note`.
   */
  reasons: Worded[];
}

/** The event codes of timeline items other than audit entries (whose code is the audit action). */
export const TIMELINE_EVENT_CODES = [
  'submission',
  'resubmission',
  'behaviour',
  'touch',
  'unsubscribe',
  'bounce',
  'email',
  'stage-change',
  'qualification',
  'assigned',
  'queued',
  'activity',
] as const;

export interface TimelineItem {
  /** `<source>:<row id>`, unique within the timeline. */
  id: string;
  at: string;
  kind: TimelineKind;
  /** An English headline, kept for API clients; `event` is the same thing as a code. */
  title: string;
  summary: string | null;
  event: TimelineEvent;
  /** Who did it: a person's email, `system` for timers and rules, or null (the lead, unknown). */
  actor: string | null;
  /** Ids of the records it concerns: leadId, dealId, quoteId, approvalId, contractId, … */
  refs: Record<string, string>;
  details: Record<string, unknown>;
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor: string | null;
}

export interface TimelineQuery {
  limit: number;
  cursor?: string;
  kinds?: readonly TimelineKind[];
}

/** A lead's timeline (the caller's sight was checked by the route's policy). */
export function leadTimeline(db: Db, leadId: string, query: TimelineQuery): Promise<TimelinePage> {
  return page(leadSources(db, leadId), query);
}

/** A deal's timeline, with the history of the lead it was converted from. */
export async function dealTimeline(db: Db, dealId: string, query: TimelineQuery): Promise<TimelinePage> {
  const deal = await db.deal.findUniqueOrThrow({ where: { id: dealId }, select: { id: true, leadId: true } });
  return page([...leadSources(db, deal.leadId), ...dealSources(db, deal.id)], query);
}

async function page(sources: Source[], query: TimelineQuery): Promise<TimelinePage> {
  const kinds = new Set<TimelineKind>(query.kinds ?? TIMELINE_KINDS);
  const cursor = query.cursor === undefined ? undefined : parseKeyset(query.cursor);
  const wanted = sources.filter((source) => source.kinds.some((kind) => kinds.has(kind)));
  const reads = await Promise.all(
    wanted.map((source) => source.read(cursor && filterAfter(source.prefix, cursor), query.limit + 1, kinds)),
  );
  const merged = reads.flat().sort(newestFirst);
  const shown = merged.slice(0, query.limit);
  const last = shown.at(-1);
  return {
    items: shown,
    nextCursor:
      merged.length > query.limit && last ? encodeKeyset({ occurredAt: new Date(last.at), id: last.id }) : null,
  };
}

function newestFirst(a: TimelineItem, b: TimelineItem): number {
  const byTime = Date.parse(b.at) - Date.parse(a.at);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Which of a source's rows follow the cursor: those before its time, and at the same time those
 * whose item id is smaller. Item ids of another source compare by their prefix alone.
 */
function filterAfter(prefix: string, cursor: KeysetPosition): TimeFilter {
  const [cursorPrefix, ...rest] = cursor.id.split(':');
  if (cursorPrefix === prefix) return { equalBefore: { at: cursor.occurredAt, id: rest.join(':') } };
  return `${prefix}:` < cursor.id ? { lte: cursor.occurredAt } : { lt: cursor.occurredAt };
}
