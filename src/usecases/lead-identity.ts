import { createHash } from 'node:crypto';
import { normalizeEmail } from '../domain/lead';

/** A lead's identity: the tenant plus its normalised email. */
export interface LeadIdentity {
  tenant: string;
  email: string;
  leadId: string;
  journeyId: string;
}

/**
 * Derives the lead id and the journey's workflow id from tenant + normalised email. Because the
 * ids are a pure function of identity, every submission for the same person reaches the same
 * workflow, with no lookup that could race. The id is a hash, so URLs and the Temporal UI carry
 * no email address.
 */
export function leadIdentity(tenant: string, rawEmail: string): LeadIdentity {
  const email = normalizeEmail(rawEmail);
  const digest = createHash('sha256').update(`${tenant}\u0000${email}`).digest('base64url').slice(0, 22);
  const leadId = `ld_${digest}`;
  return { tenant, email, leadId, journeyId: `lead-${tenant}-${leadId}` };
}
