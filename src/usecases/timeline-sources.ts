/**
 * The sources of the merged timeline (./timeline.ts): each reads one table newest first after a
 * cursor and turns its rows into items with a kind, a title and the records they concern.
 */
import type { Db } from '../db/client';
import { LEAD_EVENT_TYPES } from '../domain/lead-events';
import { storedWording, type Worded } from '../domain/reason-codes';
import { humanise } from '../domain/words';
import { BEHAVIOURS } from '../rules/facts';
import type { TimelineEvent, TimelineItem, TimelineKind } from './timeline';

/** One table read newest first after a cursor, turned into items. */
export interface Source {
  prefix: string;
  kinds: readonly TimelineKind[];
  read(after: TimeFilter | undefined, take: number, kinds: ReadonlySet<TimelineKind>): Promise<TimelineItem[]>;
}

/** Rows of one source that come after the cursor in (time desc, item id desc) order. */
export type TimeFilter = { lt: Date } | { lte: Date } | { equalBefore: { at: Date; id: string } };

/** The Prisma condition of a TimeFilter on a source's time column and id. */
function where<K extends string>(column: K, after: TimeFilter | undefined): Record<string, unknown> {
  if (!after) return {};
  if ('equalBefore' in after) {
    const { at, id } = after.equalBefore;
    return { OR: [{ [column]: { lt: at } }, { [column]: at, id: { lt: id } }] };
  }
  return { [column]: after };
}

const order = (column: string) => [{ [column]: 'desc' as const }, { id: 'desc' as const }];

function item(prefix: string, rowId: string, at: Date, fields: Omit<TimelineItem, 'id' | 'at'>): TimelineItem {
  return { id: `${prefix}:${rowId}`, at: at.toISOString(), ...fields };
}

const BEHAVIOUR_TYPES: readonly string[] = BEHAVIOURS;
const TOUCHES = ['call-logged', 'email-sent', 'note'];
const MAIL_OUTCOMES = ['unsubscribe', 'bounce'];

function interactionKind(kind: string): TimelineKind {
  if (kind === 'submission' || kind === 'resubmission') return 'submission';
  if (BEHAVIOUR_TYPES.includes(kind)) return 'behaviour';
  if (MAIL_OUTCOMES.includes(kind)) return 'email';
  return 'touch';
}

/** The interaction kinds that make up the wanted timeline kinds. */
function interactionKinds(kinds: ReadonlySet<TimelineKind>): string[] {
  return [
    ...(kinds.has('submission') ? ['submission', 'resubmission'] : []),
    ...(kinds.has('behaviour') ? BEHAVIOUR_TYPES : []),
    ...(kinds.has('email') ? MAIL_OUTCOMES : []),
    ...(kinds.has('touch') ? LEAD_EVENT_TYPES.filter((type) => TOUCHES.includes(type)) : []),
  ];
}

const INTERACTION_TITLES: Record<string, string> = {
  submission: 'Submitted',
  resubmission: 'Submitted again',
  'call-logged': 'Call logged',
  'email-sent': 'Email sent by hand',
  note: 'Note',
  unsubscribe: 'Unsubscribed from marketing email',
  bounce: 'Email bounced',
};

export function leadSources(db: Db, leadId: string): Source[] {
  return [
    {
      prefix: 'i',
      kinds: ['submission', 'behaviour', 'touch', 'email'],
      read: async (after, take, kinds) => {
        const rows = await db.interaction.findMany({
          where: { leadId, kind: { in: interactionKinds(kinds) }, ...where('occurredAt', after) },
          orderBy: order('occurredAt'),
          take,
        });
        return rows.map((row) => {
          const payload = (row.payload ?? {}) as { actor?: string | null; details?: Record<string, unknown> };
          const submission = row.kind === 'submission' || row.kind === 'resubmission';
          const kind = interactionKind(row.kind);
          const note = submission ? null : noteOf(payload.details);
          return item('i', row.id, row.occurredAt, {
            kind,
            title: INTERACTION_TITLES[row.kind] ?? humanise(row.kind),
            summary: submission && row.source ? `from ${row.source}` : note,
            event: submission
              ? event(row.kind, { source: row.source })
              : kind === 'email'
                ? event(row.kind, {}, note)
                : event(kind, { type: row.kind }, note),
            actor: submission ? null : (payload.actor ?? null),
            refs: { leadId },
            details: { type: row.kind, ...(submission ? { source: row.source } : (payload.details ?? {})) },
          });
        });
      },
    },
    {
      prefix: 'm',
      kinds: ['email'],
      read: async (after, take) => {
        const rows = await db.outboundEmail.findMany({
          where: { leadId, ...where('createdAt', after) },
          orderBy: order('createdAt'),
          take,
          select: {
            id: true,
            createdAt: true,
            sentAt: true,
            subject: true,
            toAddress: true,
            status: true,
            template: true,
          },
        });
        return rows.map((row) =>
          item('m', row.id, row.createdAt, {
            kind: 'email',
            title: `Email: ${row.subject}`,
            summary: `to ${row.toAddress} (${row.status})`,
            event: event('email', { subject: row.subject, to: row.toAddress, status: row.status }),
            actor: 'system',
            refs: { leadId, emailId: row.id },
            details: {
              to: row.toAddress,
              subject: row.subject,
              template: row.template,
              status: row.status,
              sentAt: row.sentAt?.toISOString() ?? null,
            },
          }),
        );
      },
    },
    {
      prefix: 's',
      kinds: ['stage-change'],
      read: async (after, take) => {
        const rows = await db.stageEvent.findMany({
          where: { leadId, ...where('occurredAt', after) },
          orderBy: order('occurredAt'),
          take,
        });
        return rows.map((row) =>
          item('s', row.id, row.occurredAt, {
            kind: 'stage-change',
            title: row.fromStage ? `Stage ${row.fromStage} → ${row.toStage}` : `Stage ${row.toStage}`,
            summary: row.reason,
            event: withReason(event('stage-change', { from: row.fromStage, to: row.toStage }), row),
            actor: null,
            refs: { leadId },
            details: { from: row.fromStage, to: row.toStage, rulesetVersion: row.rulesetVersion },
          }),
        );
      },
    },
    {
      prefix: 'q',
      kinds: ['qualification'],
      read: async (after, take) => {
        const rows = await db.decision.findMany({
          where: { leadId, kind: 'qualification', ...where('decidedAt', after) },
          orderBy: order('decidedAt'),
          take,
        });
        return rows.map((row) => {
          const outcome = row.outcome as { kind?: string; unmet?: string[]; unmetReasons?: Worded[] };
          return item('q', row.id, row.decidedAt, {
            kind: 'qualification',
            title: outcome.kind === 'sql' ? 'BANT recorded: sales-qualified' : 'BANT recorded: stays MQL',
            summary: outcome.unmet?.length ? `unmet: ${outcome.unmet.join('; ')}` : null,
            event: {
              ...event('qualification', {
                outcome: outcome.kind === 'sql' ? 'sql' : 'mql',
                unmet: outcome.unmet?.length ? outcome.unmet.join('; ') : null,
              }),
              // The unmet criteria as codes (decisions stored before codes have only `unmet`).
              reasons: outcome.unmetReasons ?? [],
            },
            actor: null,
            refs: { leadId },
            details: { outcome: row.outcome, rulesetVersion: row.rulesetVersion },
          });
        });
      },
    },
    {
      prefix: 'a',
      kinds: ['assignment'],
      read: async (after, take) => {
        const rows = await db.assignment.findMany({
          where: { leadId, ...where('assignedAt', after) },
          orderBy: order('assignedAt'),
          take,
        });
        return rows.map((row) =>
          item('a', row.id, row.assignedAt, {
            kind: 'assignment',
            title: row.repEmail ? `Assigned to ${row.repEmail}` : `Moved to queue ${row.queue ?? ''}`.trim(),
            summary: row.reason,
            event: withReason(
              row.repEmail ? event('assigned', { rep: row.repEmail }) : event('queued', { queue: row.queue }),
              row,
            ),
            actor: row.actor ?? (row.manual ? null : 'system'),
            refs: { leadId },
            details: { repEmail: row.repEmail, queue: row.queue, pool: row.pool, manual: row.manual },
          }),
        );
      },
    },
  ];
}

/** Audit actions on a deal and the timeline kind each shows as; other actions are not shown. */
const AUDIT_KINDS: Record<string, TimelineKind> = {
  'deal.created': 'deal-created',
  'deal.stage-changed': 'deal-stage-change',
  'deal.stakeholder-added': 'deal-update',
  'deal.stakeholder-updated': 'deal-update',
  'deal.stakeholder-removed': 'deal-update',
  'deal.stakeholder-engaged': 'deal-update',
  'deal.needs-updated': 'deal-update',
  'deal.forecast-updated': 'deal-update',
  'meeting.scheduled': 'meeting',
  'meeting.recorded': 'meeting',
  'quote.created': 'quote',
  'quote.version-created': 'quote',
  'quote.pending-approval': 'quote',
  'quote.approved': 'quote',
  'quote.rejected': 'quote',
  'quote.sent': 'quote-sent',
  'quote.signed': 'quote',
  'quote.expired': 'quote',
  'quote.superseded': 'quote',
  'quote.withdrawn': 'quote',
  'approval.requested': 'approval-requested',
  'approval.assigned': 'approval-step',
  'approval.reminded': 'approval-step',
  'approval.delegated': 'approval-step',
  'approval.escalated': 'approval-step',
  'approval.approved': 'approval-decision',
  'approval.rejected': 'approval-decision',
  'approval.auto-approved': 'approval-decision',
  'approval.auto-rejected': 'approval-decision',
  'approval.satisfied': 'approval-decision',
  'approval.cancelled': 'approval-decision',
  'signature.sent': 'signature',
  'signature.signed': 'signature',
  'signature.declined': 'signature',
  'signature.voided': 'signature',
  'contract.created': 'contract',
  'contract.renewal-reminder': 'contract',
  'contract.ended': 'contract',
};

const AUDIT_TITLES: Record<string, string> = {
  'approval.requested': 'Discount approval requested',
  'approval.satisfied': 'Discount approved (every step)',
  'signature.sent': 'Sent for signature',
  'signature.signed': 'Signed',
  'signature.declined': 'Signature declined',
  'signature.voided': 'Signature voided',
  'contract.created': 'Contract started',
  'contract.ended': 'Contract ended',
};

/**
 * Audit actions whose reason leadflow wrote (in English) rather than a person: no note in the
 * event (an approval request's reason is the rules' why, which the workspace words itself).
 */
const SYSTEM_REASONS = new Set(['quote.created', 'quote.version-created', 'approval.requested']);

const SUBJECT_REFS: Record<string, string> = {
  quote: 'quoteId',
  approval: 'approvalId',
  signature: 'signatureId',
  contract: 'contractId',
  meeting: 'meetingId',
};

export function dealSources(db: Db, dealId: string): Source[] {
  return [
    {
      prefix: 'd',
      kinds: ['deal-activity'],
      read: async (after, take) => {
        const rows = await db.dealActivity.findMany({
          where: { dealId, ...where('occurredAt', after) },
          orderBy: order('occurredAt'),
          take,
        });
        return rows.map((row) =>
          item('d', row.id, row.occurredAt, {
            kind: 'deal-activity',
            title: humanise(row.kind),
            summary: row.outcome ? `${row.summary} (${row.outcome})` : row.summary,
            event: event('activity', { type: row.kind, outcome: row.outcome }, row.summary),
            actor: row.actor,
            refs: { dealId, activityId: row.id },
            details: { type: row.kind, outcome: row.outcome, ...asObject(row.payload) },
          }),
        );
      },
    },
    {
      prefix: 'e',
      kinds: [...new Set(Object.values(AUDIT_KINDS))],
      read: async (after, take, kinds) => {
        const actions = Object.entries(AUDIT_KINDS)
          .filter(([, kind]) => kinds.has(kind))
          .map(([action]) => action);
        const rows = await db.auditEvent.findMany({
          where: { dealId, action: { in: actions }, ...where('occurredAt', after) },
          orderBy: order('occurredAt'),
          take,
        });
        return rows.map((row) => {
          const ref = SUBJECT_REFS[row.subjectType];
          const details = asObject(row.details);
          const base = event(row.action, auditParams(details), SYSTEM_REASONS.has(row.action) ? null : row.reason);
          return item('e', row.id, row.occurredAt, {
            kind: AUDIT_KINDS[row.action]!,
            title: AUDIT_TITLES[row.action] ?? humanise(row.action),
            summary: row.reason,
            // A stage change's reason as a code when the workflow wrote one (`details.reasonCode`).
            event:
              typeof details.reasonCode === 'string'
                ? withReason(base, { reason: row.reason ?? '', ...auditReason(details) })
                : base,
            actor: row.actor,
            refs: { dealId, ...(ref ? { [ref]: row.subjectId } : {}) },
            details: { action: row.action, ...asObject(row.details) },
          });
        });
      },
    },
  ];
}

function event(code: string, params: TimelineEvent['params'], note: string | null = null): TimelineEvent {
  return { code, params, note, reasons: [] };
}

/**
 * A row's reason on its event: as a code when it has one (a person's own words, `params.note`,
 * become the note), else its English text as the note (rows from before codes).
 */
function withReason(
  base: TimelineEvent,
  row: { reason: string; reasonCode: string | null; reasonParams: unknown },
): TimelineEvent {
  const why = storedWording(row.reasonCode, row.reasonParams);
  if (!why) return { ...base, note: row.reason };
  const { note, ...params } = why.params;
  return { ...base, note: typeof note === 'string' ? note : null, reasons: [{ code: why.code, params }] };
}

/** The reason code and values an audit entry recorded in its details, kept out of its event's params. */
function auditReason(details: Record<string, unknown>): { reasonCode: string | null; reasonParams: unknown } {
  return {
    reasonCode: typeof details.reasonCode === 'string' ? details.reasonCode : null,
    reasonParams: details.reasonParams,
  };
}

/** The plain values an audit entry recorded (stage ids, a quote's number and version…), for wording it. */
function auditParams(details: unknown): TimelineEvent['params'] {
  return Object.fromEntries(
    Object.entries(asObject(details)).filter(
      (entry): entry is [string, string | number] =>
        entry[0] !== 'reasonCode' && (typeof entry[1] === 'string' || typeof entry[1] === 'number'),
    ),
  );
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function noteOf(details: Record<string, unknown> | undefined): string | null {
  const note = details?.note ?? details?.summary ?? details?.subject;
  return typeof note === 'string' ? note : null;
}
