/**
 * The secret form webhooks are signed with. LEADFLOW_WEBHOOK_SECRET wins; otherwise the API keeps
 * one in `<data dir>/webhook-secret` (mode 0600), created at the first start, so deliveries are
 * signed from day one without anyone having to choose a secret. Like the admin token
 * (src/usecases/bootstrap-admin.ts), the secret is never printed, only where it is.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type FormWebhookConfig } from '../config';
import type { Logger } from '../logger';

/** The secret in force and where it came from. */
export interface WebhookSecret {
  secret: string;
  /** `env`: LEADFLOW_WEBHOOK_SECRET; `file`: read from, or just written to, `file`. */
  source: 'env' | 'file';
  /** The data dir's secret file, when the secret is there. */
  file: string | null;
  /** True when this start wrote the file. */
  created: boolean;
}

const MIN_LENGTH = 16;

/**
 * Reads the form webhook secret, creating the file on first use; logs where it is when it was
 * created, and warns (at every start) when unsigned deliveries are let in.
 */
export async function loadWebhookSecret(webhooks: FormWebhookConfig, logger: Logger): Promise<WebhookSecret> {
  if (webhooks.allowUnsigned)
    logger.warn(
      'LEADFLOW_WEBHOOK_ALLOW_UNSIGNED=true: form webhooks without X-Leadflow-Signature are accepted, so anyone who can reach the API can post leads there; sign deliveries and unset it',
    );
  if (webhooks.secret) return { secret: webhooks.secret, source: 'env', file: null, created: false };
  const file = webhooks.secretFile;
  const existing = await readSecretFile(file);
  if (existing !== undefined) return { secret: existing, source: 'file', file, created: false };

  const secret = randomBytes(32).toString('hex');
  await mkdir(path.dirname(file), { recursive: true });
  // Written aside, then linked into place: the file appears whole or not at all, and when two
  // processes start at once on one data dir, the second link fails and that process reads the first's.
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, `${secret}\n`, { mode: 0o600 });
  await chmod(aside, 0o600); // the umask may have narrowed the mode; be exact
  try {
    await link(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: (await readSecretFile(file)) ?? secret, source: 'file', file, created: false };
  } finally {
    await unlink(aside);
  }
  logger.info(
    { file },
    `form webhooks must be signed: a secret was created in ${file} (only its owner can read it); give it to your form tool, which signs each delivery with X-Leadflow-Timestamp and X-Leadflow-Signature (docs/api.md "Form webhook")`,
  );
  return { secret, source: 'file', file, created: true };
}

async function readSecretFile(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < MIN_LENGTH)
    throw new ConfigError(
      `Invalid configuration:\n  ${file} holds the form webhook secret but it is shorter than ${MIN_LENGTH} characters; put the secret your form tools sign with in it, or delete the file to have a new one created.`,
    );
  return secret;
}
