/** The emails an address received in the embedded SMTP server, with each iCalendar part parsed (ical.js). */
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import type { TestSystem } from './system';

export interface Received {
  subject: string;
  text: string;
  /** The Content-Type of the text/calendar part, as sent. */
  calendarType: string | null;
  calendar: {
    method: string;
    uid: string;
    sequence: number;
    start: string;
    end: string;
    status: string | null;
    organizer: string;
    attendees: string[];
  } | null;
}

/** Every email to `address`, oldest first, with its calendar parsed. */
export async function inbox(system: TestSystem, address: string): Promise<Received[]> {
  const listed = (await system.mailbox!.list({ to: address })).toReversed();
  return Promise.all(
    listed.map(async (message) => {
      const raw = (await system.mailbox!.get(message.id))!.raw;
      const mail = await simpleParser(raw);
      const calendarType = /Content-Type: (text\/calendar[^\r\n]*)/i.exec(raw)?.[1] ?? null;
      const ics = mail.attachments.find((a) => /calendar|ics/.test(a.contentType))?.content.toString('utf8');
      return {
        subject: mail.subject ?? '',
        text: mail.text ?? '',
        calendarType,
        calendar: ics ? parseCalendar(ics) : null,
      };
    }),
  );
}

export function parseCalendar(ics: string): NonNullable<Received['calendar']> {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const event = calendar.getFirstSubcomponent('vevent')!;
  const time = (name: string) => (event.getFirstPropertyValue(name) as ICAL.Time).toJSDate().toISOString();
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: String(event.getFirstPropertyValue('uid')),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    start: time('dtstart'),
    end: time('dtend'),
    status: (event.getFirstPropertyValue('status') as string | null) ?? null,
    organizer: String(event.getFirstPropertyValue('organizer')).toLowerCase(),
    attendees: event.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase()),
  };
}
