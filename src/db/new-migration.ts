/**
 * `npm run db:migration -- <name>`: writes a new migration for both SQLite and PostgreSQL from the
 * current prisma/schema.prisma. `prisma migrate dev` needs a shadow database that the offline
 * driver-adapter setup cannot provide, so migrations are computed with `prisma migrate diff`
 * against the existing migrations instead. Review the SQL before committing it.
 *
 * The JS schema engine needs a reachable PostgreSQL server even for this read-only diff; set
 * MIGRATION_POSTGRES_URL if yours is not postgres:postgres@127.0.0.1:5432.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPrismaCli } from './prisma-cli';
import { derivePostgresSchema } from './schema-sync';

const projectRoot = process.cwd();
const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]+/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: npm run db:migration -- <name>   (e.g. add_rep_capacity)');
  process.exit(2);
}

const sqliteSchema = path.join(projectRoot, 'prisma/schema.prisma');
const postgresSchema = path.join(projectRoot, 'prisma/postgres/schema.prisma');
mkdirSync(path.dirname(postgresSchema), { recursive: true });
writeFileSync(postgresSchema, derivePostgresSchema(readFileSync(sqliteSchema, 'utf8')));

const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const targets = [
  {
    provider: 'sqlite',
    schema: sqliteSchema,
    migrations: path.join(projectRoot, 'prisma/migrations'),
    databaseUrl: 'file:./.data/migration-shadow.db',
  },
  {
    provider: 'postgresql',
    schema: postgresSchema,
    migrations: path.join(projectRoot, 'prisma/postgres/migrations'),
    databaseUrl: process.env.MIGRATION_POSTGRES_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
  },
] as const;

for (const target of targets) {
  const hasMigrations =
    existsSync(target.migrations) && readdirSync(target.migrations).some((entry) => /^\d/.test(entry));
  const from = hasMigrations ? ['--from-schema-datamodel', latestSnapshot(target.migrations)] : ['--from-empty'];
  const result = await runPrismaCli(['migrate', 'diff', ...from, '--to-schema-datamodel', target.schema, '--script'], {
    DATABASE_URL: target.databaseUrl,
  });
  if (result.code !== 0) {
    console.error(`prisma migrate diff failed for ${target.provider}:\n${result.stderr}`);
    process.exit(1);
  }
  const sql = result.stdout.trim();
  if (!sql || /^-- This is an empty migration/.test(sql)) {
    console.log(`${target.provider}: schema unchanged, no migration written`);
    continue;
  }
  const dir = path.join(target.migrations, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), `${sql}\n`);
  // The schema as of this migration, so the next migration can be diffed without a shadow database.
  writeFileSync(path.join(dir, 'schema.snapshot.prisma'), readFileSync(target.schema, 'utf8'));
  writeFileSync(path.join(target.migrations, 'migration_lock.toml'), `provider = "${target.provider}"\n`);
  console.log(`${target.provider}: wrote ${path.relative(projectRoot, dir)}/migration.sql`);
}

function latestSnapshot(migrationsDir: string): string {
  const latest = readdirSync(migrationsDir)
    .filter((entry) => /^\d/.test(entry))
    .sort()
    .at(-1);
  const snapshot = path.join(migrationsDir, latest ?? '', 'schema.snapshot.prisma');
  if (!latest || !existsSync(snapshot)) {
    throw new Error(`${migrationsDir}: the latest migration has no schema.snapshot.prisma to diff from`);
  }
  return snapshot;
}
