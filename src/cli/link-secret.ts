/**
 * The secret that signs the links leadflow puts in emails (one-click unsubscribe,
 * src/email/unsubscribe-link.ts). LEADFLOW_LINK_SECRET wins; otherwise it is generated at the
 * first start into `<data dir>/link-secret` (secret-file.ts), so the links in mail already sent
 * keep working across restarts. It is never printed.
 *
 * The worker signs links and the API checks them, so both must hold the same secret: `leadflow
 * start`, or an API and a worker sharing a data dir, do by construction; processes on different
 * machines need LEADFLOW_LINK_SECRET set to the same value on each.
 */
import path from 'node:path';
import type { Config } from '../config';
import { readOrCreateSecret } from './secret-file';

export const LINK_SECRET_FILE = 'link-secret';
const MIN_LENGTH = 32;

export async function loadLinkSecret(config: Pick<Config, 'dataDir' | 'linkSecret'>): Promise<string> {
  if (config.linkSecret) return config.linkSecret;
  const { secret } = await readOrCreateSecret({
    file: path.join(config.dataDir, LINK_SECRET_FILE),
    minLength: MIN_LENGTH,
    invalid: (file) =>
      `${file} holds the link secret but it is shorter than ${MIN_LENGTH} characters. Restore it from a backup, or delete it to have a new one created: the unsubscribe links in emails already sent then stop working.`,
  });
  return secret;
}
