/**
 * The secret that signs the links leadflow puts in emails (one-click unsubscribe). It is
 * LEADFLOW_LINK_SECRET when set; otherwise it is generated on the first start and kept in
 * `<dataDir>/link-secret` (mode 0600, like the admin token), so the links in mail already sent
 * keep working across restarts. It is never committed, logged or sent anywhere.
 *
 * Every process that writes or checks links must hold the same secret: `leadflow start`, or an
 * API and a worker sharing a data dir, do by construction; processes on different machines need
 * LEADFLOW_LINK_SECRET set to the same value on each.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const LINK_SECRET_FILE = 'link-secret';
const MIN_LENGTH = 32;

export class LinkSecretError extends Error {
  override readonly name = 'LinkSecretError';
}

/** The configured secret, or the one in the data dir (created now if there is none). */
export async function ensureLinkSecret(input: { dataDir: string; configured?: string }): Promise<string> {
  if (input.configured) return input.configured;
  const file = path.join(input.dataDir, LINK_SECRET_FILE);
  const existing = await readSecret(file);
  if (existing !== undefined) return existing;
  await mkdir(input.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // `wx`: a worker and an API starting at once on one data dir must not each write their own.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = await readSecret(file);
    if (raced === undefined) throw new LinkSecretError(`${file} disappeared while it was being created; start again.`);
    return raced;
  }
}

async function readSecret(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < MIN_LENGTH)
    throw new LinkSecretError(
      `${file} does not hold a link secret (at least ${MIN_LENGTH} characters). Restore it from a backup, or delete it to generate a new one: the unsubscribe links in emails already sent then stop working.`,
    );
  return secret;
}
