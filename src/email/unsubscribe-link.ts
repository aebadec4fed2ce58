/**
 * Signed one-click unsubscribe links: `<publicUrl>/u/<leadId>.<signature>`, where the signature is
 * an HMAC-SHA256 of the lead id under the link secret (src/cli/link-secret.ts). Lead ids are derived from
 * tenant and email, so anyone could compute one; only the signature makes a link unguessable, and
 * the link is the recipient's only credential (the route is public).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where unsubscribe links live: outside /api, public, authenticated by the signature alone. */
export const UNSUBSCRIBE_PATH = '/u';

/** 32 base64url characters: 192 bits of the HMAC. */
const SIGNATURE_LENGTH = 32;
const TOKEN = new RegExp(`^([A-Za-z0-9_-]{1,64})\\.([A-Za-z0-9_-]{${SIGNATURE_LENGTH}})$`);

export interface UnsubscribeLinks {
  /** The link for a lead's marketing emails, for the body and the List-Unsubscribe header. */
  urlFor(leadId: string): string;
  /** The lead id a token was signed for; null when the token is malformed or its signature does not match. */
  verify(token: string): string | null;
}

export function unsubscribeLinks(secret: string, publicUrl: string): UnsubscribeLinks {
  const base = publicUrl.replace(/\/+$/, '');
  const sign = (leadId: string) =>
    createHmac('sha256', secret)
      .update(`leadflow unsubscribe v1\n${leadId}`)
      .digest('base64url')
      .slice(0, SIGNATURE_LENGTH);
  return {
    urlFor: (leadId) => `${base}${UNSUBSCRIBE_PATH}/${leadId}.${sign(leadId)}`,
    verify(token) {
      const match = TOKEN.exec(token);
      if (!match) return null;
      const [, leadId = '', signature = ''] = match;
      const expected = Buffer.from(sign(leadId));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected) ? leadId : null;
    },
  };
}
