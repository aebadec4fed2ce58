/**
 * What a meeting's attendees receive: an iCalendar invitation (RFC 5545, iTIP RFC 5546) and the
 * email around it, in each recipient's language. One UID per meeting for its whole life; SEQUENCE
 * is the meeting's revision minus one, so the first invitation is 0 and every reschedule or
 * cancellation supersedes what calendars hold. Pure: the same meeting revision renders the same
 * calendar, so a retried send carries identical bytes.
 *
 * The calendar text comes from ical-generator (line folding at 75 octets, escaping, CRLF), not
 * from string concatenation.
 */
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { formatDateTime, formatLeadTime, formatTime, messagesFor, sameLocalDay, type Language } from '../email/i18n';

export type MeetingKind = 'meeting' | 'demo' | 'presentation';

/** REQUEST invites (first time, or again after a reschedule); CANCEL removes the meeting from calendars. */
export type InvitationMethod = 'REQUEST' | 'CANCEL';

export interface MeetingFacts {
  meetingId: string;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** 1 when scheduled; +1 per reschedule or cancellation. */
  revision: number;
  /** The deal owner, who organises it. */
  organizer: { name: string; email: string };
  /** Everyone invited who has an address (the organizer is not among them). */
  attendees: Array<{ name: string; email: string }>;
  /** When this revision was written: the calendar's DTSTAMP. */
  revisedAt: Date;
}

/** Who one email goes to, and how they read dates. */
export interface Reader {
  name: string | null;
  language: Language;
  /** IANA zone for the dates in the text (the calendar itself is in UTC). */
  timeZone: string;
}

/** The meeting's UID, the same in every invitation, update and cancellation. */
export const meetingUid = (meetingId: string) => `${meetingId}@leadflow`;

/** The invitation's SEQUENCE for a meeting revision. */
export const sequenceOf = (revision: number) => revision - 1;

/** The iCalendar object (METHOD, one VEVENT with UID, SEQUENCE, UTC times, ORGANIZER, ATTENDEEs). */
export function meetingCalendar(meeting: MeetingFacts, method: InvitationMethod): string {
  const calendar = ical({
    prodId: { company: 'leadflow', product: 'leadflow', language: 'EN' },
    method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  calendar.createEvent({
    id: meetingUid(meeting.meetingId),
    sequence: sequenceOf(meeting.revision),
    stamp: meeting.revisedAt,
    start: meeting.startsAt,
    end: meeting.endsAt,
    summary: meeting.title,
    status: method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: meeting.organizer.name, email: meeting.organizer.email },
    attendees: meeting.attendees.map((attendee) => ({
      name: attendee.name,
      email: attendee.email,
      role: ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
      rsvp: method === 'REQUEST',
    })),
  });
  return calendar.toString();
}

type Purpose = 'invitation' | 'update' | 'cancellation';

const purposeOf = (meeting: MeetingFacts, method: InvitationMethod): Purpose =>
  method === 'CANCEL' ? 'cancellation' : meeting.revision > 1 ? 'update' : 'invitation';

function facts(meeting: MeetingFacts, reader: Reader) {
  const t = messagesFor(reader.language);
  const sameDay = sameLocalDay(meeting.startsAt, meeting.endsAt, reader.timeZone);
  return {
    t,
    values: {
      title: meeting.title,
      kind: t(`meeting.kind.${meeting.kind}`),
      organizer: meeting.organizer.name,
      when: formatDateTime(meeting.startsAt, reader.language, reader.timeZone),
      until: sameDay
        ? formatTime(meeting.endsAt, reader.language, reader.timeZone)
        : formatDateTime(meeting.endsAt, reader.language, reader.timeZone),
      attendees: [meeting.organizer.name, ...meeting.attendees.map((a) => a.name)].join(', '),
    },
  };
}

const greeting = (t: ReturnType<typeof messagesFor>, reader: Reader) =>
  reader.name ? t('meeting.greeting', { name: reader.name }) : t('meeting.greetingAnonymous');

/** The email that carries the calendar to one attendee. */
export function invitationEmail(
  meeting: MeetingFacts,
  method: InvitationMethod,
  reader: Reader,
): { subject: string; text: string; calendar: { method: InvitationMethod; content: string } } {
  const purpose = purposeOf(meeting, method);
  const { t, values } = facts(meeting, reader);
  return {
    subject: t(`meeting.${purpose}.subject`, values),
    text: `${greeting(t, reader)}\n\n${t(`meeting.${purpose}.body`, values)}`,
    calendar: { method, content: meetingCalendar(meeting, method) },
  };
}

/** A reminder `beforeMs` before the meeting, for the owner (with the deal's link) or an attendee. */
export function reminderEmail(
  meeting: MeetingFacts,
  reader: Reader,
  dealUrl: string | null,
  beforeMs: number,
): { subject: string; text: string } {
  const { t, values } = facts(meeting, reader);
  return {
    subject: t('meeting.reminder.subject', { ...values, inTime: formatLeadTime(beforeMs, reader.language) }),
    text:
      `${greeting(t, reader)}\n\n${t('meeting.reminder.body', values)}` +
      (dealUrl ? `\n${t('meeting.reminder.deal', { url: dealUrl })}` : ''),
  };
}
