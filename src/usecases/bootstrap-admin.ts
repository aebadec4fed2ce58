/**
 * The first token on a fresh installation. Every write needs a person with a token, and tokens
 * are issued by a person (or the CLI); so when a tenant has no revops person with a working token,
 * start-up creates `admin@leadflow.local` with one and leaves the secret in a file only the owner
 * can read. The secret is never printed, and a token that exists is never shown again. It saves a
 * person (a use case) and issues a token (src/auth), so it is a use case itself.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hasLiveRevopsToken, issueToken } from '../auth/tokens';
import type { Db } from '../db/client';
import { withDatabaseLock } from '../db/database-lock';
import type { Logger } from '../logger';
import { savePerson } from './people';

export const BOOTSTRAP_ADMIN_EMAIL = 'admin@leadflow.local';
export const ADMIN_TOKEN_FILE = 'admin-token';

export interface BootstrapInput {
  tenant: string;
  /** LEADFLOW_DATA_DIR: the secret goes to `<dataDir>/admin-token`, mode 0600. */
  dataDir: string;
  logger: Logger;
  now?: Date;
}

/**
 * Ensures the tenant has a way in: a revops person with a live token. Returns the file the new
 * secret was written to, or null when nothing was needed. Every `leadflow api` runs it at start, so
 * it runs under a database lock: of several APIs starting at once on a fresh database one creates
 * the admin and its token, and the others find it (before, one could fail to start on the admin's
 * unique email, or two tokens be made).
 */
export function bootstrapAdmin(db: Db, input: BootstrapInput): Promise<string | null> {
  return withDatabaseLock(db, `bootstrap-admin\u0000${input.tenant}`, () => createAdminIfNone(db, input));
}

async function createAdminIfNone(db: Db, input: BootstrapInput): Promise<string | null> {
  const now = input.now ?? new Date();
  if (await hasLiveRevopsToken(db, input.tenant, now)) return null;
  await savePerson(db, {
    tenant: input.tenant,
    email: BOOTSTRAP_ADMIN_EMAIL,
    update: { name: 'leadflow admin', role: 'revops', active: true },
    by: { system: 'bootstrap' },
    nameFromRules: () => undefined,
    now,
  });
  const issued = await issueToken(db, {
    tenant: input.tenant,
    personEmail: BOOTSTRAP_ADMIN_EMAIL,
    label: 'bootstrap',
    by: { system: 'bootstrap' },
    now,
  });
  const file = path.join(input.dataDir, ADMIN_TOKEN_FILE);
  await mkdir(input.dataDir, { recursive: true });
  await writeFile(file, `${issued.token}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // writeFile's mode applies only when it creates the file
  input.logger.info(
    { file, person: BOOTSTRAP_ADMIN_EMAIL, tenant: input.tenant },
    `no revops person had a working API token, so ${BOOTSTRAP_ADMIN_EMAIL} (revops) was created with one; it is in ${file}: send it as "Authorization: Bearer $(cat ${file})" or paste it into the dashboard's sign-in, then create people and their tokens`,
  );
  return file;
}
