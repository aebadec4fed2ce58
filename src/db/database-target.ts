import path from 'node:path';

/** Which database engine a `DATABASE_URL` selects, and how to reach it. */
export type DatabaseTarget =
  { provider: 'sqlite'; url: string; filePath: string } | { provider: 'postgresql'; url: string };

/** The Prisma schema (and thus migrations folder) that serves each provider. */
export const schemaPathFor = {
  sqlite: 'prisma/schema.prisma',
  postgresql: 'prisma/postgres/schema.prisma',
} as const satisfies Record<DatabaseTarget['provider'], string>;

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/**
 * Resolves a `DATABASE_URL` (or its absence) into a target.
 * No URL means the embedded default: a SQLite file `leadflow.db` inside the data dir.
 * `file:` URLs are SQLite, relative to the current directory; `postgresql://` or `postgres://` URLs
 * are PostgreSQL (tables live in the `public` schema; give leadflow its own database).
 */
export function resolveDatabaseTarget(databaseUrl: string | undefined, dataDir: string): DatabaseTarget {
  if (!databaseUrl) {
    const filePath = path.resolve(dataDir, 'leadflow.db');
    return { provider: 'sqlite', url: `file:${filePath}`, filePath };
  }
  if (databaseUrl.startsWith('file:')) {
    const filePath = path.resolve(databaseUrl.slice('file:'.length).split('?')[0] ?? '');
    return { provider: 'sqlite', url: `file:${filePath}`, filePath };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    let parsed: URL;
    try {
      parsed = new URL(databaseUrl);
    } catch {
      throw new DatabaseUrlError(
        'DATABASE_URL is not a valid URL. Expected postgresql://user:password@host:5432/dbname',
      );
    }
    const schema = parsed.searchParams.get('schema');
    if (schema !== null && schema !== 'public') {
      throw new DatabaseUrlError(
        `DATABASE_URL ?schema=${schema} is not supported: leadflow keeps its tables in "public". Give it a database of its own instead (postgresql://…/leadflow).`,
      );
    }
    return { provider: 'postgresql', url: databaseUrl };
  }
  throw new DatabaseUrlError(
    'DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL). Leave it unset for the embedded SQLite default.',
  );
}
