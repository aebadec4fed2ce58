/**
 * What the one-shot commands (people, tokens, demo, import, rules history|shadow|backtest, migrate)
 * need from a running leadflow: the migrated database and the account mailer. Kept apart from
 * services.ts, which loads the API, the Temporal worker and its bundler, so those commands start
 * in about a second instead of three.
 */
import type { Config } from '../config';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import type { Mailer } from '../email/mailer';
import { createSmtpMailer } from '../email/smtp-mailer';
import type { Logger } from '../logger';

/** Opens the database and brings its schema up to date. Throws MigrationError on failure. */
export async function openDatabase(config: Config, logger: Logger): Promise<Db> {
  const { applied } = await applyMigrations(config.database);
  if (applied.length) logger.info({ applied }, 'database migrations applied');
  const db = createDb(config.database);
  if (config.database.provider === 'sqlite') {
    // WAL lets the API and worker processes read while the other writes.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  }
  return db;
}

/** The mailer of a `leadflow api` process: SMTP_URL, or the embedded mail server `leadflow worker` runs on this machine. */
export function accountMailer(config: Config): { mailer: Mailer; from: string } {
  const mail = config.mail;
  if (mail.mode === 'external') return { mailer: createSmtpMailer(mail.smtp), from: mail.from };
  return { mailer: createSmtpMailer({ host: mail.host, port: mail.port, secure: false }), from: mail.from };
}
