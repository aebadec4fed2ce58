/**
 * A deal's meetings: schedule one (attendees get an invitation), move it (they get an update),
 * cancel it (they get a cancellation), and record how it went (a held demo thanks the people who
 * attended). The row is written first, then the deal's workflow is told with an update whose id
 * names the meeting and its revision, so a repeated request is answered from the first. Moving and
 * cancelling name the meeting revision the caller read (If-Match or `revision`), like the other
 * deal edits.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { recordAudit } from '../db/audit-trail';
import { LeadflowError } from '../domain/errors';
import * as desk from '../../workflows/dealMessages';
import { assertDealOpen, ref, updateWorkflow, type DealCommandDeps } from './deal-commands';
import { findWritableDeal } from './deal-access';
import { attendedOf, resolveAttendees, type StoredAttendee } from './meeting-attendees';
import { markEngaged } from './stakeholders';

export type MeetingKind = 'meeting' | 'demo' | 'presentation';

export interface MeetingInput {
  kind: MeetingKind;
  title: string;
  startsAt: string;
  endsAt: string;
  attendees: StoredAttendee[];
}

function assertTimes(startsAt: string, endsAt: string): void {
  if (Date.parse(endsAt) <= Date.parse(startsAt))
    throw new LeadflowError('validation_failed', 'The meeting ends before it starts.', {
      // Each time is well-formed; together they are not (a 422, see FieldError.unprocessable).
      details: [{ path: 'endsAt', message: 'must be after startsAt', unprocessable: true }],
    });
}

/** Refuses attendees whose contactId is not a stakeholder of the deal (a 422 naming each). */
async function assertAttendees(
  deps: DealCommandDeps,
  deal: Parameters<typeof resolveAttendees>[1],
  attendees: StoredAttendee[],
) {
  const { unknownContacts } = await resolveAttendees(deps.db, deal, attendees);
  if (unknownContacts.length > 0)
    throw new LeadflowError('validation_failed', 'The meeting names contacts that are not stakeholders of this deal.', {
      details: unknownContacts.map((index) => ({
        path: `attendees.${index}.contactId`,
        message: `is not a contact of this deal's account (GET /api/deals/{dealId}/stakeholders lists them)`,
        unprocessable: true,
      })),
    });
}

/** Schedules a meeting: reminders from the rules, and an invitation to each attendee with an address. */
export async function scheduleMeeting(
  deps: DealCommandDeps,
  actor: Actor,
  dealId: string,
  input: MeetingInput,
): Promise<{ meetingId: string; revision: number; remindAt: string[] }> {
  const deal = await findWritableDeal(deps.db, actor, dealId);
  assertDealOpen(deal);
  assertTimes(input.startsAt, input.endsAt);
  await assertAttendees(deps, deal, input.attendees);
  const meetingId = `mtg_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await deps.db.$transaction(async (tx) => {
    await tx.meeting.create({
      data: {
        id: meetingId,
        dealId,
        kind: input.kind,
        title: input.title,
        startsAt: new Date(input.startsAt),
        endsAt: new Date(input.endsAt),
        attendees: input.attendees,
        createdBy: actor.email,
      },
    });
    await recordAudit(tx, {
      tenant: deal.tenant,
      subjectType: 'deal',
      subjectId: dealId,
      dealId,
      action: 'meeting.scheduled',
      actor: actor.email,
      details: { meetingId, kind: input.kind, title: input.title, startsAt: input.startsAt },
      occurredAt: new Date(),
    });
  });
  const scheduled = await updateWorkflow(
    deps.temporal,
    deal.workflowId,
    desk.meetingScheduled,
    [{ meetingId, kind: input.kind, startsAt: input.startsAt, actor: ref(actor) }],
    `meeting-${meetingId}`,
  );
  return { meetingId, revision: 1, remindAt: scheduled.remindAt };
}

export interface MeetingChangeResult {
  meetingId: string;
  revision: number;
  status: 'scheduled' | 'cancelled';
  startsAt: string;
  endsAt: string;
  remindAt: string[];
}

async function meetingOf(deps: DealCommandDeps, dealId: string, meetingId: string) {
  const meeting = await deps.db.meeting.findUnique({ where: { id: meetingId } });
  if (!meeting || meeting.dealId !== dealId)
    throw new LeadflowError('not_found', `Deal ${dealId} has no meeting ${meetingId}.`);
  return meeting;
}

/**
 * Writes the next revision of a scheduled meeting, if it is still at `expectedRevision`
 * (optimistic concurrency, checked atomically with the increment).
 */
async function revise(
  deps: DealCommandDeps,
  actor: Actor,
  meeting: { id: string; dealId: string; revision: number; status: string },
  tenant: string,
  expectedRevision: number,
  data: { startsAt?: Date; endsAt?: Date; status?: 'cancelled' },
  action: string,
): Promise<number> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.meeting.updateMany({
      where: { id: meeting.id, revision: expectedRevision, status: 'scheduled' },
      data: { ...data, revision: { increment: 1 } },
    });
    if (count === 0) {
      const current = await tx.meeting.findUniqueOrThrow({ where: { id: meeting.id } });
      if (current.status !== 'scheduled')
        throw new LeadflowError('conflict', `The meeting is ${current.status}; only a scheduled meeting can change.`);
      throw new LeadflowError(
        'stale_revision',
        `Meeting ${meeting.id} is at revision ${current.revision}, not ${expectedRevision}: it changed since you read it. Reload the deal and try again with revision ${current.revision}.`,
        { details: [{ path: 'revision', message: `the current revision is ${current.revision}` }] },
      );
    }
    const revision = expectedRevision + 1;
    await recordAudit(tx, {
      tenant,
      subjectType: 'deal',
      subjectId: meeting.dealId,
      dealId: meeting.dealId,
      action,
      actor: actor.email,
      details: {
        meetingId: meeting.id,
        revision,
        ...(data.startsAt ? { startsAt: data.startsAt.toISOString(), endsAt: data.endsAt?.toISOString() } : {}),
      },
      occurredAt: new Date(),
      idempotencyKey: `${meeting.id}:${action}:r${revision}`,
    });
    return revision;
  });
}

/** New times for a scheduled meeting: the reminders move, the attendees get an updated invitation. */
export async function rescheduleMeeting(
  deps: DealCommandDeps,
  actor: Actor,
  dealId: string,
  meetingId: string,
  input: { startsAt: string; endsAt: string; expectedRevision: number },
): Promise<MeetingChangeResult> {
  const deal = await findWritableDeal(deps.db, actor, dealId);
  assertDealOpen(deal);
  const meeting = await meetingOf(deps, dealId, meetingId);
  assertTimes(input.startsAt, input.endsAt);
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  const revision = await revise(
    deps,
    actor,
    meeting,
    deal.tenant,
    input.expectedRevision,
    { startsAt, endsAt },
    'meeting.rescheduled',
  );
  const moved = await updateWorkflow(
    deps.temporal,
    deal.workflowId,
    desk.meetingRescheduled,
    [{ meetingId, startsAt: startsAt.toISOString(), revision, actor: ref(actor) }],
    `meeting-${meetingId}-r${revision}`,
  );
  return {
    meetingId,
    revision,
    status: 'scheduled',
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    remindAt: moved.remindAt,
  };
}

/** Cancels a scheduled meeting: no more reminders, and the attendees get the cancellation. */
export async function cancelMeeting(
  deps: DealCommandDeps,
  actor: Actor,
  dealId: string,
  meetingId: string,
  input: { expectedRevision: number; reason?: string },
): Promise<MeetingChangeResult> {
  const deal = await findWritableDeal(deps.db, actor, dealId);
  assertDealOpen(deal);
  const meeting = await meetingOf(deps, dealId, meetingId);
  const revision = await revise(
    deps,
    actor,
    meeting,
    deal.tenant,
    input.expectedRevision,
    { status: 'cancelled' },
    'meeting.cancelled',
  );
  await updateWorkflow(
    deps.temporal,
    deal.workflowId,
    desk.meetingCancelled,
    [{ meetingId, revision, actor: ref(actor) }],
    `meeting-${meetingId}-r${revision}`,
  );
  return {
    meetingId,
    revision,
    status: 'cancelled',
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    remindAt: [],
  };
}

export interface MeetingOutcomeInput {
  status: 'held' | 'cancelled' | 'no-show';
  attendance: Array<{ name: string; email?: string; contactId?: string; attended: boolean }>;
  feedback?: string;
}

/**
 * Records how a meeting went; attendees who came count as engaged; a held demo starts its
 * follow-up, whose thank-you goes to the customer's people who attended (each in their language).
 */
export async function completeMeeting(
  deps: DealCommandDeps,
  actor: Actor,
  dealId: string,
  meetingId: string,
  input: MeetingOutcomeInput,
): Promise<{ followUp: string | null }> {
  const deal = await findWritableDeal(deps.db, actor, dealId);
  const meeting = await meetingOf(deps, dealId, meetingId);
  if (meeting.status !== 'scheduled' && meeting.status !== input.status)
    throw new LeadflowError('conflict', `The meeting was already recorded as ${meeting.status}.`);
  const now = new Date();
  await deps.db.$transaction(async (tx) => {
    await tx.meeting.update({
      where: { id: meetingId },
      data: { status: input.status, attendance: input.attendance, feedback: input.feedback ?? null },
    });
    const attended = input.attendance.filter((a) => a.attended && a.contactId).map((a) => a.contactId!);
    if (input.status === 'held' && attended.length > 0) await markEngaged(tx, attended, meeting.startsAt);
    await tx.dealActivity.upsert({
      where: { idempotencyKey: `${meetingId}:outcome` },
      create: {
        id: `${meetingId}:outcome`,
        dealId,
        kind: meeting.kind === 'meeting' ? 'meeting' : 'demo',
        summary: `${meeting.title}: ${input.status}`,
        outcome: input.feedback ?? null,
        actor: actor.email,
        occurredAt: meeting.startsAt,
        payload: { attendance: input.attendance },
        idempotencyKey: `${meetingId}:outcome`,
      },
      update: {},
    });
    await recordAudit(tx, {
      tenant: deal.tenant,
      subjectType: 'deal',
      subjectId: dealId,
      dealId,
      action: 'meeting.recorded',
      actor: actor.email,
      details: { meetingId, status: input.status, attended },
      occurredAt: now,
      idempotencyKey: `${meetingId}:recorded`,
    });
  });
  const invited = meeting.attendees as unknown as StoredAttendee[];
  const { attendees } = await resolveAttendees(deps.db, deal, attendedOf(invited, input.attendance));
  // The customer's side: leadflow's own people are not thanked for their own demo.
  const thanked = attendees.filter((a) => a.email !== null && a.kind !== 'person');
  const attendedPeople: desk.ThankYouRecipient[] = thanked
    .filter((a, i) => thanked.findIndex((b) => b.email === a.email) === i)
    .map((a) => ({ name: a.name, email: a.email!, isLead: a.kind === 'lead', language: a.language }));
  return updateWorkflow(
    deps.temporal,
    deal.workflowId,
    desk.meetingCompleted,
    [
      {
        meetingId,
        kind: meeting.kind as MeetingKind,
        status: input.status,
        actor: ref(actor),
        attended: attendedPeople,
      },
    ],
    `meeting-outcome-${meetingId}`,
  );
}
