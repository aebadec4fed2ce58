/**
 * Who a meeting reminder reaches, from approvals.yaml `meetings.remind`: the deal owner, the
 * attendees (everyone invited who has an address), or both. Pure; each address once, the owner
 * first.
 */
import type { MeetingReminderRecipient } from '../rules/ruleset';

export function meetingReminderRecipients(
  remind: readonly MeetingReminderRecipient[],
  ownerEmail: string,
  attendees: ReadonlyArray<{ email?: string | null }>,
): string[] {
  const to: string[] = [];
  const add = (email: string | null | undefined) => {
    const address = email?.trim().toLowerCase();
    if (address && !to.includes(address)) to.push(address);
  };
  if (remind.includes('owner')) add(ownerEmail);
  if (remind.includes('attendees')) for (const attendee of attendees) add(attendee.email);
  return to;
}
