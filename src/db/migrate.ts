import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseTarget } from './database-target';
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
export async function applyMigrations(target: DatabaseTarget, projectRoot = process.cwd()): Promise<{ applied: string[] }> {
  if (target.provider === 'sqlite') mkdirSync(path.dirname(target.filePath), { recursive: true });
  const result = await runPrismaCli(['migrate', 'deploy'], { DATABASE_URL: target.url }, projectRoot);
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim() && !line.startsWith('Loaded Prisma config')).join('\n');
    throw new MigrationError(
      `Database migration failed (${target.provider}). leadflow did not start, to avoid running against a half-migrated database.\n` +
        `${output}\nFix: check DATABASE_URL and that the database is reachable, then start again. ` +
        'If a migration failed halfway, see `npx prisma migrate status` and `npx prisma migrate resolve`.',
    );
  }
  const applied = [...result.stdout.matchAll(/└─\s*(\S+)\/$/gm)].map((match) => match[1] ?? '');
  return { applied };
}
