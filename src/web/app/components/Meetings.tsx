import { useState } from 'preact/hooks';
import { api, formText } from '../lib/api';
import { formatDateTime, label, t } from '../lib/i18n';
import { useSubmit } from '../lib/use-submit';
import { Confirm, Empty, Problem } from './common';

export interface Meeting {
  id: string;
  kind: string;
  title: string;
  startsAt: string;
  endsAt: string;
  status: string;
  /** Name it to move or cancel the meeting; above 1, it was moved. */
  revision: number;
  feedback?: string | null;
  attendees?: { name: string; email?: string | null; contactId?: string | null }[];
}

/** Turns a `datetime-local` value (the browser's zone) into an instant, or '' when empty. */
export function instant(local: string): string {
  return local ? new Date(local).toISOString() : '';
}

/** An instant as a `datetime-local` value in the browser's zone. */
function localInput(iso: string): string {
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
}

/** scheduled, rescheduled (moved at least once) or what the meeting's outcome says. */
export function meetingState(meeting: Pick<Meeting, 'status' | 'revision'>): string {
  return meeting.status === 'scheduled' && meeting.revision > 1 ? 'rescheduled' : meeting.status;
}

/**
 * What came of a meeting: held or a no-show, who of the invited came, and notes. A held demo's
 * thank-you goes to the customer's people who came, and a held demo or presentation counts for
 * the stage exit criteria.
 */
function OutcomeForm({
  path,
  meeting,
  done,
  close,
}: {
  path: string;
  meeting: Meeting;
  done: () => void;
  close: () => void;
}) {
  const invited = meeting.attendees ?? [];
  const { error, busy, onSubmit } = useSubmit(
    (form) => {
      const feedback = formText(form, 'feedback').trim();
      const status = formText(form, 'status');
      return api(`${path}/outcome`, {
        method: 'POST',
        body: {
          status,
          attendance: invited.map((a, i) => ({
            name: a.name,
            ...(a.email ? { email: a.email } : {}),
            ...(a.contactId ? { contactId: a.contactId } : {}),
            attended: status === 'held' && form.get(`attended-${i}`) === 'on',
          })),
          ...(feedback ? { feedback } : {}),
        },
      });
    },
    { done },
  );
  return (
    <form class="stack-form" aria-label={t('meetings.outcome', { title: meeting.title })} onSubmit={onSubmit}>
      <label>
        {t('meetings.outcomeStatus')}
        <select name="status">
          <option value="held">{label('meetingStatus', 'held')}</option>
          <option value="no-show">{label('meetingStatus', 'no-show')}</option>
        </select>
      </label>
      {invited.length > 0 && (
        <fieldset>
          <legend>{t('meetings.whoCame')}</legend>
          {invited.map((a, i) => (
            <label key={i} class="check">
              <input type="checkbox" name={`attended-${i}`} defaultChecked /> {a.name}
            </label>
          ))}
        </fieldset>
      )}
      <label>
        {t('meetings.feedback')}
        <textarea name="feedback" rows={2} maxLength={5000} />
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('meetings.recordOutcome')}
        </button>
        <button type="button" class="subtle" onClick={close}>
          {t('app.notNow')}
        </button>
      </div>
      <Problem error={error} />
    </form>
  );
}

/** One meeting with its state; while scheduled, it can be moved or cancelled (the attendees are emailed). */
function MeetingItem({ dealId, meeting, open, changed }: MeetingListProps & { meeting: Meeting }) {
  const [asking, setAsking] = useState<'move' | 'cancel' | null>(null);
  const [moving, setMoving] = useState(false);
  const [recording, setRecording] = useState(false);
  const [times, setTimes] = useState<{ startsAt: string; endsAt: string } | null>(null);
  const [reason, setReason] = useState('');
  const path = `/api/deals/${dealId}/meetings/${meeting.id}`;
  const change = useSubmit<unknown>(null, {
    done: () => {
      setAsking(null);
      setMoving(false);
      changed();
    },
  });
  const state = meetingState(meeting);
  const changeable = open && meeting.status === 'scheduled';
  return (
    <li data-meeting={meeting.id}>
      <strong>{meeting.title}</strong> · {label('meetingKinds', meeting.kind)} · {formatDateTime(meeting.startsAt)}{' '}
      <span class={`badge meeting-${state}`}>{label('meetingStatus', state)}</span>
      {meeting.attendees && meeting.attendees.length > 0 && (
        <div class="subtle">{meeting.attendees.map((a) => a.name).join(', ')}</div>
      )}
      {meeting.feedback && <div class="subtle">{meeting.feedback}</div>}
      {changeable && !moving && !recording && (
        <div class="actions">
          <button type="button" class="subtle" onClick={() => setRecording(true)}>
            {t('meetings.outcome', { title: meeting.title })}
          </button>
          <button type="button" class="subtle" onClick={() => setMoving(true)}>
            {t('meetings.reschedule', { title: meeting.title })}
          </button>
          <button type="button" class="subtle reject" onClick={() => setAsking('cancel')}>
            {t('meetings.cancel', { title: meeting.title })}
          </button>
        </div>
      )}
      {recording && (
        <OutcomeForm
          path={path}
          meeting={meeting}
          close={() => setRecording(false)}
          done={() => {
            setRecording(false);
            changed();
          }}
        />
      )}
      {moving && (
        <form
          class="grid-form"
          aria-label={t('meetings.reschedule', { title: meeting.title })}
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            setTimes({ startsAt: instant(formText(form, 'startsAt')), endsAt: instant(formText(form, 'endsAt')) });
            setAsking('move');
          }}
        >
          <label>
            {t('actions.starts')}
            <input name="startsAt" type="datetime-local" required defaultValue={localInput(meeting.startsAt)} />
          </label>
          <label>
            {t('actions.ends')}
            <input name="endsAt" type="datetime-local" required defaultValue={localInput(meeting.endsAt)} />
          </label>
          <div class="actions">
            <button type="submit">{t('meetings.move')}</button>
            <button type="button" class="subtle" onClick={() => setMoving(false)}>
              {t('app.notNow')}
            </button>
          </div>
        </form>
      )}
      {asking === null && <Problem error={change.error} />}
      {asking === 'move' && times && (
        <Confirm
          title={t('meetings.confirmMove', { title: meeting.title })}
          confirm={t('meetings.move')}
          busy={change.busy}
          error={change.error}
          onCancel={() => setAsking(null)}
          onConfirm={() =>
            void change.run(() => api(path, { method: 'PATCH', body: { ...times, revision: meeting.revision } }))
          }
        >
          <p>{t('meetings.moveTo', { from: formatDateTime(meeting.startsAt), to: formatDateTime(times.startsAt) })}</p>
          <p>{t('meetings.attendeesUpdated')}</p>
        </Confirm>
      )}
      {asking === 'cancel' && (
        <Confirm
          title={t('meetings.confirmCancel', { title: meeting.title })}
          confirm={t('meetings.cancelConfirm')}
          busy={change.busy}
          error={change.error}
          onCancel={() => setAsking(null)}
          onConfirm={() =>
            void change.run(() =>
              api(`${path}/cancel`, {
                method: 'POST',
                body: { revision: meeting.revision, ...(reason.trim() ? { reason: reason.trim() } : {}) },
              }),
            )
          }
        >
          <p>{t('meetings.attendeesCancelled')}</p>
          <label>
            {t('meetings.reason')}
            <input value={reason} maxLength={1000} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
        </Confirm>
      )}
    </li>
  );
}

interface MeetingListProps {
  dealId: string;
  /** The deal is open: its scheduled meetings can still change. */
  open: boolean;
  changed: () => void;
}

/** A deal's meetings, soonest first, each with its state and, while scheduled, Reschedule and Cancel. */
export function Meetings({ meetings, ...props }: MeetingListProps & { meetings: Meeting[] }) {
  if (meetings.length === 0) return <Empty>{t('deal.noMeetings')}</Empty>;
  return (
    <ul id="meetings" class="items">
      {meetings.map((m) => (
        <MeetingItem key={`${m.id}-${m.revision}`} meeting={m} {...props} />
      ))}
    </ul>
  );
}
