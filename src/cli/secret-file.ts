/**
 * A secret leadflow generates for itself and keeps in the data dir (mode 0600): the form webhook
 * secret (webhook-secret.ts) and the email link secret (link-secret.ts). Created at the first
 * start, read at every later one, never printed.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../config';

export interface SecretFile {
  file: string;
  /** Shorter content is refused (a ConfigError whose message is `invalid(file)`), never replaced. */
  minLength: number;
  invalid: (file: string) => string;
}

/** The secret in the file, or a new one written there now (`created`). */
export async function readOrCreateSecret(spec: SecretFile): Promise<{ secret: string; created: boolean }> {
  const existing = await readSecret(spec);
  if (existing !== undefined) return { secret: existing, created: false };

  const secret = randomBytes(32).toString('hex');
  await mkdir(path.dirname(spec.file), { recursive: true });
  // Written aside, then linked into place: the file appears whole or not at all, and when two
  // processes start at once on one data dir, the second link fails and that process reads the first's.
  const aside = `${spec.file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, `${secret}\n`, { mode: 0o600 });
  await chmod(aside, 0o600); // the umask may have narrowed the mode; be exact
  try {
    await link(aside, spec.file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: (await readSecret(spec)) ?? secret, created: false };
  } finally {
    await unlink(aside);
  }
  return { secret, created: true };
}

async function readSecret(spec: SecretFile): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(spec.file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < spec.minLength) throw new ConfigError(`Invalid configuration:\n  ${spec.invalid(spec.file)}`);
  return secret;
}
