import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateTokenSecret, hashTokenSecret, isTokenShaped, tokenPrefix } from '../../src/auth/token-secret';

describe('API token secrets', () => {
  it('when a secret is generated, then it is lf_ and 32 bytes in base64url, and no two are alike', () => {
    const secrets = Array.from({ length: 200 }, generateTokenSecret);
    for (const secret of secrets) {
      expect(secret).toMatch(/^lf_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret.slice(3), 'base64url')).toHaveLength(32);
      expect(isTokenShaped(secret)).toBe(true);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('when a secret is hashed, then the hash is the lower-case hex SHA-256 of the whole secret, and differs for secrets one character apart', () => {
    const secret = 'lf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect(hashTokenSecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hashTokenSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashTokenSecret(`${secret.slice(0, -1)}B`)).not.toBe(hashTokenSecret(secret));
    expect(hashTokenSecret(secret)).not.toContain(secret.slice(3));
  });

  it('when the prefix is taken, then it is the first 8 characters, enough to tell tokens apart and too few to use', () => {
    expect(tokenPrefix('lf_3kQ9aZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe('lf_3kQ9a');
  });

  it.each([
    ['a secret without the lf_ prefix', 'xx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a secret one character short', 'lf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a secret with characters outside base64url', 'lf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+'],
    ['a password', 'hunter2'],
  ])('when %s is presented, then it is not token-shaped', (_what, candidate) => {
    expect(isTokenShaped(candidate)).toBe(false);
  });
});
