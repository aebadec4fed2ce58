/**
 * A deal's meetings inside its workflow: scheduling sets the reminders and sends the invitation,
 * a reschedule moves the reminders and sends the update, a cancellation stops them and sends the
 * cancellation, an outcome ends them and, for a held demo, starts the follow-up cadence for the
 * people who attended. Reminders fall due in the deal's main loop ({@link MeetingHandlers.remindDue}).
 * Deterministic code only; `patched()` keeps histories from before invitations replaying.
 */
import { ParentClosePolicy, patched, setHandler, startChild } from '@temporalio/workflow';
import type { Duration } from '../../src/rules/duration';
import type { CompiledCadence } from '../../src/rules/ruleset';
import { cadenceEnrolment } from '../cadenceEnrolment';
import * as desk from '../dealMessages';
import type { DealState } from '../dealMessages';
import { mail, store } from '../journey/effects';

/** Each meeting's reminder offsets still to send, by meeting id (carried across continue-as-new). */
export type PendingReminders = Record<string, Array<{ offset: string; at: string }>>;

export interface MeetingContext {
  workflowId: string;
  leadId: string;
  timeZone: string;
  state: DealState;
  reminders: () => PendingReminders;
  timing: () => Promise<{ meetingReminders: Duration[]; demoFollowUp: CompiledCadence | null }>;
  /** Wraps an update handler: serialised with the deal's other writes, failures recorded. */
  mutating: <A extends unknown[], R>(step: string, work: (...args: A) => Promise<R>) => (...args: A) => Promise<R>;
  /** Work nobody waits for, after the current handler (the emails). */
  inBackground: (step: string, work: () => Promise<void>) => void;
  isClosed: () => boolean;
}

export interface MeetingHandlers {
  /** Sends the reminders due at `at` and drops them from the pending list. */
  remindDue(at: number): Promise<void>;
}

export function installMeetingHandlers(ctx: MeetingContext): MeetingHandlers {
  const { state } = ctx;
  const assertOpen = () => void (ctx.isClosed() && fail(`the deal is ${state.stage}`));

  /** Reminder times for a meeting starting at `startsAt`, those still ahead. */
  const plan = async (meetingId: string, startsAt: string) => {
    const offsets = (await ctx.timing()).meetingReminders.filter((offset) => offset.kind === 'calendar');
    const starts = Date.parse(startsAt);
    const due = offsets
      .map((offset) => ({
        offset: offset.text,
        at: new Date(starts - (offset.kind === 'calendar' ? offset.ms : 0)).toISOString(),
      }))
      .filter((r) => Date.parse(r.at) > new Date().getTime());
    ctx.reminders()[meetingId] = due;
    return due.map((r) => r.at);
  };
  const invite = (meetingId: string, revision: number) =>
    ctx.inBackground(`meeting invitations r${revision}`, async () => {
      await mail.sendMeetingInvitations({ meetingId, revision });
    });

  setHandler(
    desk.meetingScheduled,
    ctx.mutating('meeting scheduling', async (notice: desk.MeetingNotice) => {
      const remindAt = await plan(notice.meetingId, notice.startsAt);
      state.meetings = [
        ...state.meetings.filter((m) => m.meetingId !== notice.meetingId),
        { meetingId: notice.meetingId, kind: notice.kind, startsAt: notice.startsAt, remindAt, status: 'scheduled' },
      ];
      if (patched('meeting-invitations')) invite(notice.meetingId, 1);
      return { remindAt };
    }),
    { validator: (_notice: desk.MeetingNotice) => assertOpen() },
  );
  setHandler(
    desk.meetingRescheduled,
    ctx.mutating('meeting reschedule', async (change: desk.MeetingReschedule) => {
      const remindAt = await plan(change.meetingId, change.startsAt);
      const meeting = state.meetings.find((m) => m.meetingId === change.meetingId);
      if (meeting) Object.assign(meeting, { startsAt: change.startsAt, remindAt, status: 'scheduled' });
      invite(change.meetingId, change.revision);
      return { remindAt };
    }),
    { validator: (_change: desk.MeetingReschedule) => assertOpen() },
  );
  setHandler(
    desk.meetingCancelled,
    ctx.mutating('meeting cancellation', (cancellation: desk.MeetingCancellation) => {
      delete ctx.reminders()[cancellation.meetingId];
      const meeting = state.meetings.find((m) => m.meetingId === cancellation.meetingId);
      if (meeting) Object.assign(meeting, { status: 'cancelled', remindAt: [] });
      invite(cancellation.meetingId, cancellation.revision);
      return Promise.resolve({ status: 'cancelled' as const });
    }),
  );
  setHandler(
    desk.meetingCompleted,
    ctx.mutating('meeting outcome', async (outcome: desk.MeetingOutcome) => {
      const meeting = state.meetings.find((m) => m.meetingId === outcome.meetingId);
      if (meeting) meeting.status = outcome.status;
      delete ctx.reminders()[outcome.meetingId];
      const followUp = (await ctx.timing()).demoFollowUp;
      if (outcome.status !== 'held' || outcome.kind === 'meeting' || !followUp) return { followUp: null };
      const enrolmentId = `${ctx.workflowId}/demo-follow-up-${outcome.meetingId}`;
      await startChild(cadenceEnrolment, {
        workflowId: enrolmentId,
        args: [
          {
            journeyId: ctx.workflowId,
            leadId: ctx.leadId,
            enrolmentId,
            cadence: followUp,
            timeZone: ctx.timeZone,
            ownerEmail: state.owner,
            pinnedVersion: null,
            ...(outcome.attended && outcome.attended.length > 0 ? { recipients: outcome.attended } : {}),
          },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      return { followUp: enrolmentId };
    }),
  );

  return {
    async remindDue(at) {
      const reminders = ctx.reminders();
      for (const [meetingId, list] of Object.entries(reminders)) {
        for (const reminder of list.filter((r) => Date.parse(r.at) <= at)) {
          const sentAt = new Date().toISOString();
          if (patched('meeting-reminder-recipients')) {
            await mail.sendMeetingReminders({ meetingId, offset: reminder.offset, at: sentAt });
            continue;
          }
          const notice = await store.remindMeeting({ meetingId, offset: reminder.offset, at: sentAt });
          if (notice)
            await mail.sendEmail({
              idempotencyKey: `${meetingId}:reminder:${reminder.offset}`,
              leadId: ctx.leadId,
              ...notice,
            });
        }
        reminders[meetingId] = list.filter((r) => Date.parse(r.at) > at);
        if (reminders[meetingId].length === 0) delete reminders[meetingId];
      }
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}
