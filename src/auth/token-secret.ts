/**
 * API token secrets: `lf_` + 32 random bytes in base64url. Only the SHA-256 of a secret is stored,
 * so a leaked database does not leak working tokens; the secret is shown once, at creation.
 */
import { createHash, randomBytes } from 'node:crypto';

const SECRET_PATTERN = /^lf_[A-Za-z0-9_-]{43}$/;
/** How much of the secret is kept in clear so a person can tell their tokens apart ("lf_3kQ9a"). */
const PREFIX_LENGTH = 8;

/** A new secret: `lf_` + 43 base64url characters (256 bits of randomness). */
export function generateTokenSecret(): string {
  return `lf_${randomBytes(32).toString('base64url')}`;
}

/** What ApiToken.hash holds: the lower-case hex SHA-256 of the secret. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The recognisable start of a secret, stored and shown next to the token's label. */
export function tokenPrefix(secret: string): string {
  return secret.slice(0, PREFIX_LENGTH);
}

/** Whether a string has the shape of a leadflow token (it may still be unknown or revoked). */
export function isTokenShaped(candidate: string): boolean {
  return SECRET_PATTERN.test(candidate);
}
