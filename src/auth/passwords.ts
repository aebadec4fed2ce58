/**
 * Workspace passwords: scrypt (node:crypto) with a random 16-byte salt per password. The stored
 * form carries its own parameters, `scrypt$N$r$p$salt$hash` (salt and hash in base64url), so the
 * cost can be raised later: a password checked against older parameters is flagged for rehashing
 * and saved again at the next sign-in. Comparison is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** The parameters new passwords are hashed with (OWASP's scrypt minimum is N=2^17, r=8, p=1). */
export const SCRYPT_PARAMETERS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

interface Parameters {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, parameters: Parameters): Promise<Buffer> {
  const options: ScryptOptions = { ...parameters, maxmem: 256 * parameters.N * parameters.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** The stored form of a new password. */
export async function hashPassword(password: string, parameters: Parameters = SCRYPT_PARAMETERS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, parameters);
  return [
    'scrypt',
    parameters.N,
    parameters.r,
    parameters.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Whether `password` matches the stored form, and whether that form should be rehashed with today's parameters. */
export async function verifyPassword(
  password: string,
  stored: string,
  current: Parameters = SCRYPT_PARAMETERS,
): Promise<{ matches: boolean; needsRehash: boolean }> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return { matches: false, needsRehash: false };
  const parameters = { N: Number(n), r: Number(r), p: Number(p) };
  if (![parameters.N, parameters.r, parameters.p].every((v) => Number.isInteger(v) && v > 0))
    return { matches: false, needsRehash: false };
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), parameters);
  const matches = key.length === expected.length && timingSafeEqual(key, expected);
  const needsRehash = parameters.N !== current.N || parameters.r !== current.r || parameters.p !== current.p;
  return { matches, needsRehash };
}

/**
 * Spends the same time as checking a real password, for a sign-in with an unknown email or a
 * person without a password, so the answer's timing does not tell which emails exist.
 */
let decoy: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<void> {
  decoy ??= hashPassword('leadflow-decoy-password');
  await verifyPassword(password, await decoy);
}

/** What is wrong with a new password, as field messages (empty: acceptable). */
export function passwordProblems(password: string, personEmail: string): string[] {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH)
    problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters (a few words make a good one)`);
  if ([...password].length > MAX_PASSWORD_LENGTH) problems.push(`must be at most ${MAX_PASSWORD_LENGTH} characters`);
  const lowered = password.trim().toLowerCase();
  const email = personEmail.toLowerCase();
  const localPart = email.split('@')[0] ?? email;
  if (lowered === email || (localPart.length >= 4 && lowered.includes(localPart)) || lowered.includes(email))
    problems.push('must not be (or contain) your email address');
  return problems;
}
