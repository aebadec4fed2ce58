/**
 * The internal notifications a journey sends to sales people (not to the lead): a new MQL for its
 * owner, a lead handed to a new owner, an overdue first touch, an SLA breach for the manager.
 * Pure: text only, in the recipient's language.
 */
import { formatDateTime, messagesFor, type Language } from '../email/i18n';
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

/**
 * The notification in the recipient's language (src/email/messages). English keeps deadlines as
 * ISO-8601 instants, as it always has; Chinese reads them through Intl in the person's zone.
 */
export function notificationText(
  reason: NotificationReason,
  facts: NotificationFacts,
  reader: { language: Language; timeZone: string } = { language: 'en', timeZone: 'UTC' },
): { subject: string; text: string } {
  const t = messagesFor(reader.language);
  const n = (key: string, values: Record<string, unknown> = {}) => t(`notification.${key}`, values);
  const who = facts.company ? n('who', { name: facts.leadName, company: facts.company }) : facts.leadName;
  const due =
    facts.slaDueAt && reader.language !== 'en'
      ? formatDateTime(new Date(facts.slaDueAt), reader.language, reader.timeZone)
      : facts.slaDueAt;
  const openLead = n('openLead', { url: facts.leadUrl });
  const firstTouch = due ? n('firstTouchDue', { due }) : '';
  switch (reason) {
    case 'mql':
      return {
        subject: n('mql.subject', { who, score: facts.score }),
        text: n('mql.text', { who, score: facts.score }) + firstTouch + openLead,
      };
    case 'assigned':
      return {
        subject: n('assigned.subject', { who, score: facts.score }),
        text:
          n('assigned.yours', {
            who,
            stage: facts.stage ? n('assigned.stage', { stage: facts.stage, score: facts.score }) : '',
          }) +
          (facts.handover ? n('assigned.by', { by: facts.handover.by, reason: facts.handover.reason }) : '') +
          n('assigned.end') +
          firstTouch +
          openLead,
      };
    case 'sla-reminder':
      return {
        subject: n('slaReminder.subject', { who }),
        text:
          (due ? n('slaReminder.was', { who, due }) : n('slaReminder.passed', { who })) +
          n('slaReminder.action') +
          openLead,
      };
    case 'stalled':
      return {
        subject: n('stalled.subject', { who }),
        text:
          n('stalled.text', { who, owner: facts.ownerName ? n('stalled.owner', { name: facts.ownerName }) : '' }) +
          openLead,
      };
    case 'sla-breach':
      return {
        subject: n('slaBreach.subject', {
          who,
          by: facts.ownerName ? n('slaBreach.by', { name: facts.ownerName }) : '',
        }),
        text:
          n('slaBreach.text', {
            who,
            due: due ? n('slaBreach.due', { due }) : '',
            owner: facts.ownerName ? n('slaBreach.owner', { name: facts.ownerName }) : '',
          }) + openLead,
      };
  }
}
