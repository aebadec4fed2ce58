import { createHash } from 'node:crypto';
import type { Db } from '../db/client';
import { normalizeEmail } from '../domain/lead';
import { LeadflowError } from '../domain/errors';
import { clashField } from '../domain/identity-clash';

/** What a submission says about who the lead is: a normalised email, an external id, or both. */
export interface IdentityKeys {
  email?: string;
  externalId?: string;
}

/** A lead's identity: the tenant, its identifiers, and the ids derived from them. */
export interface LeadIdentity {
  tenant: string;
  email: string | null;
  externalId: string | null;
  leadId: string;
  journeyId: string;
}

/** A lead already stored, as identity resolution needs it. */
export interface KnownLead {
  id: string;
  journeyId: string;
  email: string | null;
  externalId: string | null;
}

/** Finds stored leads by either identifier, so a submission joins the journey that already exists. */
export type LeadLookup = (
  tenant: string,
  keys: IdentityKeys,
) => Promise<{ byEmail: KnownLead | null; byExternalId: KnownLead | null }>;

/**
 * Derives the lead id and the journey's workflow id from tenant + normalised email, or from
 * tenant + external id when there is no email. Because the ids are a pure function of identity,
 * concurrent first submissions of the same person reach the same workflow with no lookup that
 * could race. The id is a hash, so URLs and the Temporal UI carry no email address.
 */
export function leadIdentity(tenant: string, keys: IdentityKeys): LeadIdentity {
  const email = keys.email === undefined ? null : normalizeEmail(keys.email);
  const externalId = keys.externalId ?? null;
  if (email === null && externalId === null)
    throw new LeadflowError('validation_failed', 'A lead needs an email or an external id.');
  const key = email ?? `ext:${externalId}`;
  const digest = createHash('sha256').update(`${tenant}\u0000${key}`).digest('base64url').slice(0, 22);
  const leadId = `ld_${digest}`;
  return { tenant, email, externalId, leadId, journeyId: `lead-${tenant}-${leadId}` };
}

/**
 * Resolves a submission to the lead it belongs to: a stored lead found by external id or by
 * email wins (so a CRM id sent later joins the journey a form started, and the other way round);
 * otherwise the derived identity. Identifiers that point at two different leads, or an email that
 * contradicts the one on record for that external id, are refused with 409 rather than guessed.
 *
 * One race remains, by design: two *first* submissions of a new person arriving at the same
 * instant, one with only an external id and one with an email, derive different ids. The second
 * to be stored is refused by the database's unique index and its journey records the conflict.
 */
export async function resolveLeadIdentity(
  lookup: LeadLookup,
  tenant: string,
  keys: IdentityKeys,
): Promise<LeadIdentity> {
  const derived = leadIdentity(tenant, keys);
  const { byEmail, byExternalId } = await lookup(tenant, {
    email: derived.email ?? undefined,
    externalId: derived.externalId ?? undefined,
  });
  if (byEmail && byExternalId && byEmail.id !== byExternalId.id) {
    throw new LeadflowError(
      'conflict',
      `The email belongs to lead ${byEmail.id} but external id "${derived.externalId}" belongs to lead ${byExternalId.id}; send one of them, or fix the identifiers in the source system.`,
      {
        details: [
          clashField('externalId', 'external-id-of-other-lead', { lead: byExternalId.id, emailLead: byEmail.id }),
        ],
      },
    );
  }
  const known = byExternalId ?? byEmail;
  if (!known) return derived;
  if (derived.email !== null && known.email !== null && known.email !== derived.email) {
    throw new LeadflowError(
      'conflict',
      `External id "${derived.externalId}" is lead ${known.id}, which has a different email on record; send the email on record, or leave email out.`,
      {
        details: [
          clashField('email', 'email-not-on-record', { lead: known.id, externalId: String(derived.externalId) }),
        ],
      },
    );
  }
  if (derived.externalId !== null && known.externalId !== null && known.externalId !== derived.externalId) {
    throw new LeadflowError(
      'conflict',
      `This email is lead ${known.id}, which has external id "${known.externalId}", not "${derived.externalId}".`,
      {
        details: [clashField('externalId', 'external-id-differs', { lead: known.id, externalId: known.externalId })],
      },
    );
  }
  return {
    tenant,
    email: known.email ?? derived.email,
    externalId: known.externalId ?? derived.externalId,
    leadId: known.id,
    journeyId: known.journeyId,
  };
}

/** The lookup backed by the database's unique (tenant, email) and (tenant, externalId) indexes. */
export function databaseLeadLookup(db: Db): LeadLookup {
  const select = { id: true, journeyId: true, email: true, externalId: true } as const;
  return async (tenant, keys) => {
    const [byEmail, byExternalId] = await Promise.all([
      keys.email ? db.lead.findUnique({ where: { tenant_email: { tenant, email: keys.email } }, select }) : null,
      keys.externalId
        ? db.lead.findUnique({ where: { tenant_externalId: { tenant, externalId: keys.externalId } }, select })
        : null,
    ]);
    return { byEmail, byExternalId };
  };
}
