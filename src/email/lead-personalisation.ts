/**
 * What a cadence email addressed to a lead is filled in with. The cadence activity sends it and
 * the lead page previews the next one's subject, so both build it here and cannot drift apart.
 */
import type { Db } from '../db/client';
import type { Personalisation } from '../domain/email-template';
import type { Ruleset } from '../rules/ruleset';

/** The stored lead fields a cadence email uses (absent ones get the template's fallbacks). */
export interface LeadForEmail {
  tenant: string;
  firstName?: string | null;
  lastName?: string | null;
  title?: string | null;
  company?: string | null;
  ownerId?: string | null;
  sourceDetails?: unknown;
}

/**
 * The owner's name: their Rep row's, else the routing roster's (it names every routable rep, and
 * the Rep table may not have a row for them yet), else none.
 */
export async function ownerNameOf(db: Db, rules: Ruleset | null, lead: LeadForEmail): Promise<string | null> {
  const email = lead.ownerId;
  if (!email) return null;
  const rep = await db.rep.findUnique({ where: { tenant_email: { tenant: lead.tenant, email } } });
  if (rep?.name) return rep.name;
  return Object.values(rules?.routing.reps ?? {}).find((member) => member.email === email)?.name ?? null;
}

/** The personalisation of a cadence email to the lead itself. */
export function leadPersonalisation(
  lead: LeadForEmail,
  ownerName: string | null,
  unsubscribeUrl: string,
): Personalisation {
  return {
    contact: { firstName: lead.firstName, lastName: lead.lastName, title: lead.title },
    company: { name: lead.company },
    owner: { name: ownerName, email: lead.ownerId },
    source: { campaign: campaignOf(lead.sourceDetails) },
    unsubscribeUrl,
  };
}

/** The campaign (or event) a lead came from. */
function campaignOf(sourceDetails: unknown): string | null {
  const details = (sourceDetails ?? {}) as { campaign?: unknown; event?: unknown };
  const campaign = details.campaign ?? details.event;
  return typeof campaign === 'string' ? campaign : null;
}
