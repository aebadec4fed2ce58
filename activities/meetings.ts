/**
 * A meeting's emails to people: the invitation (and its updates and cancellation) to every
 * attendee with an address, and the reminders to whom approvals.yaml `meetings.remind` names.
 * Everything goes through the outbox, one key per recipient and meeting revision (or reminder),
 * so a retried activity never sends an email twice. Each email is in its recipient's language.
 */
import type { Db } from '../src/db/client';
import { dealPageUrl } from '../src/domain/dashboard-links';
import { invitationEmail, reminderEmail, type MeetingFacts, type MeetingKind } from '../src/domain/meeting-invitation';
import { meetingReminderRecipients } from '../src/domain/meeting-reminders';
import { languageOf } from '../src/email/i18n';
import { parseDuration } from '../src/rules/duration';
import type { RuleRegistry } from '../src/rules/registry';
import { resolveAttendees, type Attendee, type StoredAttendee } from '../src/usecases/meeting-attendees';
import type { Outbox } from './email';

export interface MeetingActivityDeps {
  db: Db;
  outbox: Outbox;
  registry: RuleRegistry;
  publicUrl: string;
}

export function createMeetingActivities(deps: MeetingActivityDeps) {
  const { db } = deps;

  async function load(meetingId: string) {
    const meeting = await db.meeting.findUnique({ where: { id: meetingId }, include: { deal: true } });
    if (!meeting) return null;
    const { deal } = meeting;
    const owner = await db.rep.findUnique({ where: { tenant_email: { tenant: deal.tenant, email: deal.ownerEmail } } });
    const { attendees } = await resolveAttendees(db, deal, meeting.attendees as unknown as StoredAttendee[]);
    const invited = attendees.filter(
      (a): a is Attendee & { email: string } => a.email !== null && a.email !== deal.ownerEmail.toLowerCase(),
    );
    const facts: MeetingFacts = {
      meetingId: meeting.id,
      kind: meeting.kind as MeetingKind,
      title: meeting.title,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      revision: meeting.revision,
      organizer: { name: owner?.name ?? deal.ownerEmail, email: deal.ownerEmail },
      attendees: unique(invited).map((a) => ({ name: a.name, email: a.email })),
      revisedAt: meeting.updatedAt,
    };
    return { meeting, deal, owner, invited: unique(invited), facts };
  }

  return {
    /**
     * The invitation of one meeting revision to each attendee with an address: METHOD:REQUEST
     * (revision 1: the invitation; later: an update), or METHOD:CANCEL once it is cancelled.
     * Skipped when a later revision exists: that revision sends its own.
     */
    async sendMeetingInvitations(input: {
      meetingId: string;
      revision: number;
    }): Promise<{ status: 'sent' | 'superseded' | 'missing'; to: string[] }> {
      const loaded = await load(input.meetingId);
      if (!loaded) return { status: 'missing', to: [] };
      const { meeting, deal, invited, facts } = loaded;
      if (meeting.revision !== input.revision) return { status: 'superseded', to: [] };
      const method = meeting.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
      for (const attendee of invited) {
        const email = invitationEmail(facts, method, {
          name: attendee.name,
          language: attendee.language,
          timeZone: attendee.timeZone,
        });
        await deps.outbox.send({
          idempotencyKey: `${meeting.id}:invitation:r${meeting.revision}:${attendee.email}`,
          leadId: deal.leadId,
          to: attendee.email,
          subject: email.subject,
          text: email.text,
          headers: { 'Reply-To': deal.ownerEmail },
          kind: attendee.kind === 'person' ? 'internal' : 'transactional',
          calendar: email.calendar,
        });
      }
      return { status: 'sent', to: invited.map((a) => a.email) };
    },

    /**
     * One reminder of a scheduled meeting to whom the rules name (`meetings.remind`): the owner's
     * carries the deal's link. The owner's key is the one reminders had before attendees got them.
     */
    async sendMeetingReminders(input: { meetingId: string; offset: string; at: string }): Promise<{ to: string[] }> {
      const loaded = await load(input.meetingId);
      if (!loaded || loaded.meeting.status !== 'scheduled') return { to: [] };
      const { meeting, deal, owner, invited, facts } = loaded;
      await db.meeting.update({ where: { id: meeting.id }, data: { remindedAt: new Date(input.at) } });
      const remind = deps.registry.active().approvals.meetingRemind;
      const parsed = parseDuration(input.offset);
      const before = parsed.ok && parsed.duration.kind === 'calendar' ? parsed.duration.ms : 0;
      const to = meetingReminderRecipients(remind, deal.ownerEmail, invited);
      for (const address of to) {
        const isOwner = address === deal.ownerEmail.toLowerCase();
        const attendee = invited.find((a) => a.email === address);
        const email = reminderEmail(
          facts,
          isOwner
            ? { name: owner?.name ?? null, language: languageOf(owner?.language), timeZone: owner?.timeZone ?? 'UTC' }
            : { name: attendee?.name ?? null, language: attendee!.language, timeZone: attendee!.timeZone },
          isOwner ? dealPageUrl(deps.publicUrl, deal.id) : null,
          before,
        );
        await deps.outbox.send({
          idempotencyKey: isOwner
            ? `${meeting.id}:reminder:${input.offset}`
            : `${meeting.id}:reminder:${input.offset}:${address}`,
          leadId: deal.leadId,
          to: isOwner ? deal.ownerEmail : address,
          subject: email.subject,
          text: email.text,
          kind: isOwner || attendee?.kind === 'person' ? 'internal' : 'transactional',
        });
      }
      return { to };
    },
  };
}

/** Each address once (the first attendee who has it). */
function unique<T extends { email: string }>(attendees: T[]): T[] {
  return attendees.filter((a, i) => attendees.findIndex((b) => b.email === a.email) === i);
}
