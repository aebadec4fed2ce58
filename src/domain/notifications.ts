/**
 * The internal notifications a journey sends to sales people (not to the lead): a new MQL for its
 * owner, a lead handed to a new owner, an overdue first touch, an SLA breach for the manager.
 * Pure: text only.
 */
export type NotificationReason = 'mql' | 'assigned' | 'sla-reminder' | 'sla-breach' | 'stalled';

/** Who handed the lead over and why (a person by hand, or an SLA escalation); for `assigned`. */
export interface Handover {
  by: string;
  reason: string;
}

export interface NotificationFacts {
  leadUrl: string;
  leadName: string;
  company: string | null;
  score: number;
  ownerName: string | null;
  /** The first-touch deadline while the SLA runs; null when no clock runs. */
  slaDueAt: string | null;
  stage?: string;
  handover?: Handover;
}

export function notificationText(
  reason: NotificationReason,
  facts: NotificationFacts,
): { subject: string; text: string } {
  const who = facts.company ? `${facts.leadName} (${facts.company})` : facts.leadName;
  switch (reason) {
    case 'mql':
      return {
        subject: `New MQL: ${who}, score ${facts.score}`,
        text:
          `${who} just became a marketing-qualified lead with a score of ${facts.score}.\n` +
          (facts.slaDueAt ? `First touch is due by ${facts.slaDueAt}.\n` : '') +
          `Open the lead: ${facts.leadUrl}\n`,
      };
    case 'assigned':
      return {
        subject: `Lead assigned to you: ${who}, score ${facts.score}`,
        text:
          `${who}${facts.stage ? ` (${facts.stage}, score ${facts.score})` : ''} is now yours` +
          (facts.handover ? `, assigned by ${facts.handover.by}: ${facts.handover.reason}` : '') +
          '.\n' +
          (facts.slaDueAt ? `First touch is due by ${facts.slaDueAt}.\n` : '') +
          `Open the lead: ${facts.leadUrl}\n`,
      };
    case 'sla-reminder':
      return {
        subject: `Reminder: first touch overdue for ${who}`,
        text: `The first-touch deadline for ${who}${facts.slaDueAt ? ` was ${facts.slaDueAt}` : ' has passed'}. Log a call, email or meeting to stop the escalation.\nOpen the lead: ${facts.leadUrl}\n`,
      };
    case 'stalled':
      return {
        subject: `Stalled: ${who} has not moved on`,
        text: `${who} has stayed in the same stage longer than the rules allow${facts.ownerName ? ` (owner: ${facts.ownerName})` : ''}. Qualify it, disqualify it, or reassign it.\nOpen the lead: ${facts.leadUrl}\n`,
      };
    case 'sla-breach':
      return {
        subject: `SLA breached: ${who} not contacted${facts.ownerName ? ` by ${facts.ownerName}` : ''}`,
        text: `${who} has not been contacted within the first-touch SLA${facts.slaDueAt ? ` (due ${facts.slaDueAt})` : ''}.${facts.ownerName ? ` Owner: ${facts.ownerName}.` : ''}\nOpen the lead: ${facts.leadUrl}\n`,
      };
  }
}
