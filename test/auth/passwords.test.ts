import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblems, verifyPassword } from '../../src/auth/passwords';

/** Cheap parameters keep the test fast; the shipped ones (N=2^17) are exercised by the API tests. */
const OLD = { N: 2 ** 10, r: 8, p: 1 };
const NEW = { N: 2 ** 11, r: 8, p: 1 };

describe('passwords', () => {
  it('when a password is hashed twice, then each hash has its own salt and its parameters, and only the password matches', async () => {
    const first = await hashPassword('a long enough password', OLD);
    const second = await hashPassword('a long enough password', OLD);
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword('a long enough password', first, OLD)).toEqual({ matches: true, needsRehash: false });
    expect(await verifyPassword('a long enough passworD', first, OLD)).toEqual({ matches: false, needsRehash: false });
  });

  it('when the parameters were raised since the hash was made, then the right password still matches and asks for a rehash', async () => {
    const stored = await hashPassword('a long enough password', OLD);
    expect(await verifyPassword('a long enough password', stored, NEW)).toEqual({ matches: true, needsRehash: true });
  });

  it('when a stored hash is not scrypt, then nothing matches', async () => {
    expect(await verifyPassword('anything at all', 'sha1$abc', NEW)).toEqual({ matches: false, needsRehash: false });
  });

  it.each([
    ['short', 'ana@example.com', 'at least 12 characters'],
    ['ana@example.com', 'ana@example.com', 'must not be (or contain) your email address'],
    ['my name is ANA.BELL, hello', 'ana.bell@example.com', 'must not be (or contain) your email address'],
  ])('when the new password is %j for %s, then it is refused: %s', (password, email, problem) => {
    expect(passwordProblems(password, email)).toContainEqual(expect.stringContaining(problem));
  });

  it('when the password is long and unrelated to the email, then there is no problem', () => {
    expect(passwordProblems('plum blossoms in spring', 'mei.lin@example.com')).toEqual([]);
  });
});
