/**
 * The secret form webhooks are signed with. LEADFLOW_WEBHOOK_SECRET wins; otherwise the API keeps
 * one in `<data dir>/webhook-secret` (mode 0600), created at the first start, so deliveries are
 * signed from day one without anyone having to choose a secret. Like the admin token
 * (src/usecases/bootstrap-admin.ts), the secret is never printed, only where it is.
 */
import type { FormWebhookConfig } from '../config';
import type { Logger } from '../logger';
import { readOrCreateSecret } from './secret-file';

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
  const { secret, created } = await readOrCreateSecret({
    file,
    minLength: MIN_LENGTH,
    invalid: (at) =>
      `${at} holds the form webhook secret but it is shorter than ${MIN_LENGTH} characters; put the secret your form tools sign with in it, or delete the file to have a new one created.`,
  });
  if (!created) return { secret, source: 'file', file, created: false };
  logger.info(
    { file },
    `form webhooks must be signed: a secret was created in ${file} (only its owner can read it); give it to your form tool, which signs each delivery with X-Leadflow-Timestamp and X-Leadflow-Signature (docs/api.md "Form webhook")`,
  );
  return { secret, source: 'file', file, created: true };
}
