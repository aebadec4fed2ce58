/**
 * One lead's enrolment in a follow-up cadence (child workflow of the journey). Each step waits
 * its delay in business days, then the next moment inside the send window in the lead's time
 * zone, skipping the lead's public holidays, and sends an email (exactly once per step, by
 * idempotency key) or creates a call or LinkedIn task for the owner. It stops on the journey's
 * signal (reply, meeting booked, unsubscribe, bounce, disqualification, stage change), or when the
 * outbox reports its email suppressed (the address unsubscribed), and can be paused and resumed.
 */
import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { addDuration, nextSendTime, sendWindowCalendar } from '../src/domain/business-time';
import { cadenceStepTitle, worded } from '../src/domain/reason-codes';
import type { CompiledCadence } from '../src/rules/ruleset';
import { mail, store } from './journey/effects';
import type { ThankYouRecipient } from './dealMessages';
import { cadenceProgress, changeCadenceOwner, pauseCadence, stopCadence, type CadenceState } from './messages';

export interface CadenceEnrolmentInput {
  journeyId: string;
  leadId: string;
  enrolmentId: string;
  cadence: CompiledCadence;
  /** The lead's IANA time zone (send windows are in the lead's local time). */
  timeZone: string;
  /**
   * Local dates the send window skips (the lead's public holidays, from the enrolment
   * decision). Absent in enrolments started before holidays were skipped: none.
   */
  holidays?: string[];
  ownerEmail: string | null;
  pinnedVersion: string | null;
  /**
   * Who the email steps go to instead of the lead: a demo's attendees (the demo follow-up).
   * Absent: the lead, as every enrolment before attendees were thanked.
   */
  recipients?: ThankYouRecipient[];
}

export async function cadenceEnrolment(input: CadenceEnrolmentInput): Promise<CadenceState> {
  const { cadence } = input;
  const window = cadence.sendWindow;
  const holidays = input.holidays ?? [];
  const journey = getExternalWorkflowHandle(input.journeyId);
  let stopped: string | null = null;
  let paused = false;
  // Tasks go to whoever owns the lead when they fall due (a reassignment tells the cadence).
  let ownerEmail = input.ownerEmail;
  setHandler(stopCadence, ({ reason }) => void (stopped ??= reason));
  setHandler(pauseCadence, ({ paused: next }) => void (paused = next));
  setHandler(changeCadenceOwner, ({ ownerEmail: next }) => void (ownerEmail = next));

  const state: CadenceState = {
    name: cadence.name,
    workflowId: input.enrolmentId,
    status: 'active',
    nextStep: null,
    nextStepAt: null,
  };
  const report = async () => {
    await journey.signal(cadenceProgress, { ...state });
    await store.recordEnrolment({
      id: input.enrolmentId,
      leadId: input.leadId,
      cadence: cadence.name,
      state,
      stepIndex: 0,
    });
  };

  let previous = new Date();
  for (const [index, step] of cadence.steps.entries()) {
    const delayed = step.after
      ? addDuration(previous, step.after, sendWindowCalendar(window, input.timeZone, holidays))
      : previous;
    let due = nextSendTime(delayed, window, input.timeZone, holidays);
    state.nextStep = step.do === 'email' ? `email ${step.template}` : `${step.do} task: ${step.task}`;
    state.nextStepAt = due.toISOString();
    await report();
    for (;;) {
      const ms = Math.max(0, due.getTime() - new Date().getTime());
      if (await condition(() => stopped !== null || paused, ms)) {
        if (stopped !== null) break;
        state.status = 'paused';
        await report();
        await condition(() => stopped !== null || !paused);
        if (stopped !== null) break;
        state.status = 'active';
        // A step that fell due while paused goes out at the next moment inside the window.
        due = nextSendTime(due.getTime() > new Date().getTime() ? due : new Date(), window, input.timeZone, holidays);
        state.nextStepAt = due.toISOString();
        await report();
        continue;
      }
      break;
    }
    if (stopped !== null) break;
    const key = `${input.enrolmentId}:step-${index}`;
    if (step.do === 'email' && input.recipients) {
      await emailAttendees(input, input.recipients, step.template, key);
    } else if (step.do === 'email') {
      const email = await store.composeCadenceEmail({
        leadId: input.leadId,
        template: step.template,
        pinnedVersion: input.pinnedVersion,
      });
      if (email.to === null) {
        // A lead known only by its external id has no address: the owner gets the step as a task.
        await store.createTask({
          id: key,
          leadId: input.leadId,
          ownerEmail,
          kind: 'review',
          title: `No email address on file: find one and send "${email.subject}" by hand`,
          titleText: worded('cadence-no-email', { cadence: cadence.name, subject: email.subject }),
          dueAt: due.toISOString(),
        });
      } else {
        const sent = await mail.sendEmail({
          idempotencyKey: key,
          leadId: input.leadId,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          template: step.template,
          kind: 'marketing',
        });
        // The address unsubscribed and the outbox held the email (the journey may not have been
        // told yet): the cadence ends here, as an unsubscribe would have ended it.
        if (sent.status === 'suppressed') {
          stopped ??= 'unsubscribe';
          break;
        }
      }
    } else {
      await store.createTask({
        id: key,
        leadId: input.leadId,
        ownerEmail,
        kind: step.do,
        title: step.task,
        // The rules' text in each language (enrolments started before had only the English).
        titleText: cadenceStepTitle(cadence.name, index, step.taskText),
        dueAt: due.toISOString(),
      });
    }
    previous = due;
  }
  state.status = stopped !== null ? 'stopped' : 'completed';
  state.nextStep = null;
  state.nextStepAt = null;
  await store.recordEnrolment({
    id: input.enrolmentId,
    leadId: input.leadId,
    cadence: cadence.name,
    state,
    stepIndex: cadence.steps.length,
    stoppedReason: stopped,
  });
  await journey.signal(cadenceProgress, { ...state });
  return state;
}

/**
 * One email step to each attendee, personalised for them: the lead's keeps the step's key and is
 * marketing (with its unsubscribe link); a contact's or guest's is transactional, a reply to the
 * meeting they attended (the lead's unsubscribe link would not be theirs).
 */
async function emailAttendees(
  input: CadenceEnrolmentInput,
  recipients: ThankYouRecipient[],
  template: string,
  key: string,
): Promise<void> {
  for (const recipient of recipients) {
    const email = await store.composeCadenceEmail({
      leadId: input.leadId,
      template,
      pinnedVersion: input.pinnedVersion,
      recipient,
    });
    await mail.sendEmail({
      idempotencyKey: recipient.isLead ? key : `${key}:${recipient.email}`,
      leadId: input.leadId,
      to: recipient.email,
      subject: email.subject,
      text: email.text,
      html: email.html,
      template,
      kind: recipient.isLead ? 'marketing' : 'transactional',
    });
  }
}
