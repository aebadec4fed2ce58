import { createHash } from 'node:crypto';

/**
 * The Message-ID of an outbound email, derived from its idempotency key: every attempt of one
 * email carries the same id, so a duplicate would be recognisable (and de-duplicated by many
 * mail systems), and a reply's In-Reply-To leads back to the `OutboundEmail` row.
 * The key is hashed because keys may contain characters a Message-ID cannot.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${hash}@${senderDomain(from)}>`;
}

/** `leadflow <no-reply@leadflow.local>` → `leadflow.local`; `localhost` when there is no domain. */
function senderDomain(from: string): string {
  const address = /<([^>]*)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address
    .slice(address.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
  return address.includes('@') && /^[a-z0-9.-]+$/.test(domain) ? domain : 'localhost';
}
