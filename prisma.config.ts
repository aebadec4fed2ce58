import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { adapterFor } from './src/db/adapter';
import { resolveDatabaseTarget, schemaPathFor } from './src/db/database-target';

// The Prisma CLI (migrate deploy/status/diff) talks to the database through the same driver adapter
// as the app, so it needs no native engine download. DATABASE_URL picks the provider, its schema
// file and its migrations folder (prisma/migrations for SQLite, prisma/postgres/migrations).
const target = resolveDatabaseTarget(process.env.DATABASE_URL, process.env.LEADFLOW_DATA_DIR ?? '.data');
const schema = schemaPathFor[target.provider];

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema,
  migrations: { path: path.join(path.dirname(schema), 'migrations') },
  adapter: () => Promise.resolve(adapterFor(target, { shortLived: true })),
});
