import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/client';
import { resolveDatabaseTarget, type DatabaseTarget } from '../../src/db/database-target';
import { dropPostgresDatabase, withAdminClient } from './postgres-admin';

export type Provider = DatabaseTarget['provider'];

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL points at a server tests may create databases on. */
export const providers: Provider[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgresql'] : ['sqlite'];

/**
 * SQLite only, for files whose subject is not the database: emails and their language, meeting
 * invitations, e-signature, sign-in, rule reloads and quote versions all reach the database through
 * Prisma's provider-neutral calls. Code with a provider-specific path (raw SQL in analytics, the lead
 * search, backtests, routing's locks, migrations, the database lock, health) keeps its PostgreSQL
 * variants, as do the journey, concurrency, money and access tests. This keeps `.ci/run` inside its
 * 30 minutes: those files' PostgreSQL runs took about 150 s of the suite's 2,000 s of test time.
 */
export const sqliteOnly: Provider[] = ['sqlite'];

export interface TestDatabase {
  target: DatabaseTarget;
  db: Db;
  drop(): Promise<void>;
}

/**
 * A fresh, fully migrated database of the given provider: a copy of the migrated SQLite template,
 * or a new PostgreSQL database leadflow_test_<random> cloned from the migrated template database.
 */
export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-db-'));
    const file = path.join(dir, 'leadflow.db');
    copyFileSync(inject('sqliteTemplatePath'), file);
    const target = resolveDatabaseTarget(`file:${file}`, dir);
    const db = createDb(target);
    return {
      target,
      db,
      drop: async () => {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `leadflow_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (admin) =>
    admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplateDatabase')}`),
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const target = resolveDatabaseTarget(url.toString(), os.tmpdir());
  const db = createDb(target);
  return {
    target,
    db,
    drop: async () => {
      await db.$disconnect();
      await dropPostgresDatabase(serverUrl, name);
    },
  };
}
