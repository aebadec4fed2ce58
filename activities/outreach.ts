import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../src/db/client';
import { renderEmail, type RenderedEmail } from '../src/domain/email-template';
import { leadPageUrl } from '../src/domain/dashboard-links';
import { languageOf } from '../src/domain/languages';
import type { UnsubscribeLinks } from '../src/email/unsubscribe-link';
import { leadPersonalisation, ownerNameOf } from '../src/email/lead-personalisation';
import { notificationText, type Handover, type NotificationReason } from '../src/domain/notifications';
import { getTemplate } from '../src/rules/evaluate';
import type { RuleRegistry } from '../src/rules/registry';

export interface OutreachDeps {
  db: Db;
  registry: RuleRegistry;
  /** Base URL of the API/dashboard, for links in emails. */
  publicUrl: string;
  /** Where "notify marketing" goes. */
  marketingEmail: string;
  /** The signed link a cadence email's `{{unsubscribeUrl}}` becomes (the outbox puts the same one in its headers). */
  unsubscribe: UnsubscribeLinks;
}

export type Recipient = 'owner' | 'owner-manager' | 'marketing';

/**
 * Composing outreach from stored data: the rendered cadence email for a lead, or an internal
 * notification, with the recipient resolved. Sending is the email activity's job.
 */
export function createOutreachActivities(deps: OutreachDeps) {
  async function lead(leadId: string) {
    const row = await deps.db.lead.findUnique({ where: { id: leadId } });
    if (!row) throw ApplicationFailure.nonRetryable(`lead ${leadId} does not exist`, 'LeadMissing');
    return row;
  }
  async function rep(tenant: string, email: string | null) {
    return email ? deps.db.rep.findUnique({ where: { tenant_email: { tenant, email } } }) : null;
  }

  return {
    async lookupRep(input: {
      tenant: string;
      email: string;
    }): Promise<{ email: string; name: string | null; timeZone: string | null; managerEmail: string | null } | null> {
      const row = await rep(input.tenant, input.email);
      if (!row) return { email: input.email, name: null, timeZone: null, managerEmail: null };
      const manager = row.managerId ? await deps.db.rep.findUnique({ where: { id: row.managerId } }) : null;
      return { email: row.email, name: row.name, timeZone: row.timeZone, managerEmail: manager?.email ?? null };
    },

    async composeNotification(input: {
      leadId: string;
      who: Recipient;
      reason: NotificationReason;
      /** For `assigned`: who handed the lead over, and why. */
      handover?: Handover;
    }): Promise<{ to: string; subject: string; text: string } | null> {
      const row = await lead(input.leadId);
      const owner = await rep(row.tenant, row.ownerId);
      let to: string | null;
      switch (input.who) {
        case 'owner':
          to = row.ownerId;
          break;
        case 'owner-manager':
          to = owner?.managerId
            ? ((await deps.db.rep.findUnique({ where: { id: owner.managerId } }))?.email ?? null)
            : null;
          break;
        case 'marketing':
          to = deps.marketingEmail;
          break;
      }
      if (!to) return null;
      const reader = await rep(row.tenant, to);
      const leadName = [row.firstName, row.lastName].filter(Boolean).join(' ') || row.email || row.externalId || row.id;
      const text = notificationText(
        input.reason,
        {
          leadUrl: leadPageUrl(deps.publicUrl, row.id),
          leadName,
          company: row.company,
          score: row.score,
          ownerName: owner?.name ?? row.ownerId,
          // A new owner hears of a deadline only while a clock runs (a touched lead gets none).
          slaDueAt:
            input.reason === 'assigned' && row.slaStatus !== 'running' ? null : (row.slaDueAt?.toISOString() ?? null),
          ...(input.reason === 'assigned' ? { stage: row.stage, handover: input.handover } : {}),
        },
        { language: languageOf(reader?.language), timeZone: reader?.timeZone ?? 'UTC' },
      );
      return { to, ...text };
    },

    async composeCadenceEmail(input: {
      leadId: string;
      template: string;
      pinnedVersion: string | null;
      /**
       * Someone other than the lead (a demo's attendee): addressed by their own name, in their own
       * language (inputs recorded before attendees carried one: the lead's).
       */
      recipient?: { name: string; email: string; isLead: boolean; language?: string };
    }): Promise<RenderedEmail & { to: string | null }> {
      const row = await lead(input.leadId);
      const ruleset = input.pinnedVersion
        ? await deps.registry.getVersion(input.pinnedVersion)
        : deps.registry.active();
      // The recipient's language; the compiled template already holds English where the file gave none.
      const language = languageOf(input.recipient?.language ?? row.language);
      const template = ruleset ? getTemplate(ruleset, input.template, language) : undefined;
      if (!template)
        throw ApplicationFailure.nonRetryable(`cadences.yaml has no template "${input.template}"`, 'TemplateMissing');
      const ownerName = await ownerNameOf(deps.db, ruleset ?? null, row);
      const other = input.recipient && !input.recipient.isLead ? input.recipient : null;
      const [firstName, ...lastNames] = other ? other.name.trim().split(/\s+/) : [];
      // The lead's link would unsubscribe the lead, not this attendee: they get the fallback (reply).
      const personalisation = leadPersonalisation(row, ownerName, other ? '' : deps.unsubscribe.urlFor(row.id));
      const rendered = renderEmail(
        template,
        other
          ? { ...personalisation, contact: { firstName, lastName: lastNames.join(' ') || null, title: null } }
          : personalisation,
        language,
      );
      return { ...rendered, to: other ? other.email : row.email };
    },
  };
}
