/**
 * Who a meeting's attendees are: a stakeholder contact of the deal's account (`contactId`), one of
 * leadflow's own people (an `email` that names a person of the tenant), the deal's lead (its
 * email), or a guest (any other email). Each comes with the address, language and time zone their
 * emails use. Guests read in the lead's language; contacts in their own, else the lead's.
 */
import type { Db } from '../db/client';
import { normalizeEmail } from '../domain/lead';
import { languageOf, type Language } from '../email/i18n';

/** An attendee as the meeting stores it. */
// A type, not an interface: it is stored as JSON, which needs the implicit index signature.
export type StoredAttendee = {
  name: string;
  email?: string;
  contactId?: string;
};

export type AttendeeKind = 'contact' | 'person' | 'lead' | 'guest';

export interface Attendee {
  name: string;
  email: string | null;
  contactId: string | null;
  kind: AttendeeKind;
  language: Language;
  timeZone: string;
}

type Reader = Pick<Db, 'contact' | 'rep' | 'lead'>;

/** An address as mail is sent to it: trimmed and lower-cased, nothing else changed. */
const address = (email: string) => email.trim().toLowerCase();

/**
 * Resolves the stored attendees of a deal's meeting. `unknownContacts` lists the indexes whose
 * `contactId` is not a stakeholder of the deal's account (the caller refuses those when writing).
 */
export async function resolveAttendees(
  db: Reader,
  deal: { tenant: string; accountId: string; leadId: string },
  stored: readonly StoredAttendee[],
): Promise<{ attendees: Attendee[]; unknownContacts: number[] }> {
  const contactIds = stored.flatMap((a) => (a.contactId ? [a.contactId] : []));
  const emails = stored.flatMap((a) => (a.email ? [address(a.email)] : []));
  const [contacts, people, lead] = await Promise.all([
    contactIds.length > 0
      ? db.contact.findMany({ where: { id: { in: contactIds }, accountId: deal.accountId } })
      : Promise.resolve([]),
    emails.length > 0
      ? db.rep.findMany({ where: { tenant: deal.tenant, email: { in: emails } } })
      : Promise.resolve([]),
    db.lead.findUnique({ where: { id: deal.leadId }, select: { email: true, language: true, timeZone: true } }),
  ]);
  const leadLanguage = languageOf(lead?.language);
  const leadZone = lead?.timeZone ?? 'UTC';
  const unknownContacts: number[] = [];
  const attendees = stored.map((attendee, index): Attendee => {
    const email = attendee.email ? address(attendee.email) : null;
    if (attendee.contactId) {
      const contact = contacts.find((c) => c.id === attendee.contactId);
      if (!contact) unknownContacts.push(index);
      return {
        name: attendee.name,
        email: email ?? (contact?.email ? address(contact.email) : null),
        contactId: attendee.contactId,
        kind: 'contact',
        language: contact?.language ? languageOf(contact.language) : leadLanguage,
        timeZone: leadZone,
      };
    }
    const person = email ? people.find((p) => p.email === email) : undefined;
    if (person)
      return {
        name: attendee.name,
        email,
        contactId: null,
        kind: 'person',
        language: languageOf(person.language),
        timeZone: person.timeZone,
      };
    // The lead's identity ignores +tags and Gmail's dots; the address an email goes to keeps them.
    const isLead = email !== null && !!lead?.email && normalizeEmail(lead.email) === normalizeEmail(email);
    return {
      name: attendee.name,
      email,
      contactId: null,
      kind: isLead ? 'lead' : 'guest',
      language: leadLanguage,
      timeZone: leadZone,
    };
  });
  return { attendees, unknownContacts };
}

/**
 * The attendees an outcome says came: each attendance entry is matched to the meeting's attendee
 * by `contactId`, else `email`, else name (case-insensitive), so "Grace Hopper, attended" finds the
 * address Grace was invited with.
 */
export function attendedOf(
  invited: readonly StoredAttendee[],
  attendance: ReadonlyArray<{ name: string; email?: string; contactId?: string; attended: boolean }>,
): StoredAttendee[] {
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  return attendance
    .filter((entry) => entry.attended)
    .map((entry) => {
      const match =
        (entry.contactId && invited.find((a) => a.contactId === entry.contactId)) ||
        (entry.email && invited.find((a) => a.email && same(a.email, entry.email!))) ||
        invited.find((a) => same(a.name, entry.name));
      return {
        name: entry.name,
        email: entry.email ?? match?.email,
        contactId: entry.contactId ?? match?.contactId,
      };
    });
}
