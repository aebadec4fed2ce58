import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { schemaPathFor, type DatabaseTarget } from './database-target';
import { runPrismaCli } from './prisma-cli';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Applies every committed migration that the database has not seen yet (`prisma migrate deploy`).
 * Start-up and tests call this; a failure stops start-up with the Prisma output in the message.
 */
export async function applyMigrations(
  target: DatabaseTarget,
  projectRoot = process.cwd(),
): Promise<{ applied: string[] }> {
  if (target.provider === 'sqlite') mkdirSync(path.dirname(target.filePath), { recursive: true });
  // Most starts find nothing to do. Checking that with one read avoids running the Prisma CLI,
  // which takes a write lock (a second process on the same SQLite file would block it) and, on
  // PostgreSQL, lingers about 10 s after finishing.
  if ((await pendingMigrations(target, projectRoot)).length === 0) return { applied: [] };
  const result = await runPrismaCli(['migrate', 'deploy'], { DATABASE_URL: target.url }, projectRoot);
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('Loaded Prisma config'))
      .join('\n');
    throw new MigrationError(
      `Database migration failed (${target.provider}). leadflow did not start, to avoid running against a half-migrated database.\n` +
        `${output}\nFix: check DATABASE_URL and that the database is reachable, then start again. ` +
        'If a migration failed halfway, see `npx prisma migrate status` and `npx prisma migrate resolve`.',
    );
  }
  const applied = [...result.stdout.matchAll(/└─\s*(\S+)\/$/gm)].map((match) => match[1] ?? '');
  return { applied };
}

/**
 * Migrations in the repository that the database has not completed, by name. A database without
 * the migrations table has them all pending; any error reading it counts as "unknown", which
 * makes the caller run `prisma migrate deploy` (the authority) anyway.
 */
export async function pendingMigrations(target: DatabaseTarget, projectRoot = process.cwd()): Promise<string[]> {
  const dir = path.join(projectRoot, path.dirname(schemaPathFor[target.provider]), 'migrations');
  const local = existsSync(dir)
    ? readdirSync(dir)
        .filter((entry) => /^\d/.test(entry))
        .sort()
    : [];
  let applied: Set<string>;
  try {
    applied = new Set(await appliedMigrations(target));
  } catch {
    return ['(unknown)'];
  }
  return local.filter((name) => !applied.has(name));
}

const APPLIED_SQL =
  'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';

async function appliedMigrations(target: DatabaseTarget): Promise<string[]> {
  switch (target.provider) {
    case 'sqlite': {
      if (!existsSync(target.filePath)) return [];
      const db = new Database(target.filePath, { readonly: true, fileMustExist: true, timeout: 5_000 });
      try {
        const table = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
          .get();
        return table
          ? (db.prepare(APPLIED_SQL).all() as Array<{ migration_name: string }>).map((row) => row.migration_name)
          : [];
      } finally {
        db.close();
      }
    }
    case 'postgresql': {
      const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        const table = await client.query("SELECT to_regclass('public._prisma_migrations') AS name");
        if (!(table.rows[0] as { name: string | null }).name) return [];
        return (await client.query<{ migration_name: string }>(APPLIED_SQL)).rows.map((row) => row.migration_name);
      } finally {
        await client.end();
      }
    }
  }
}
