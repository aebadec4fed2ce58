import { PrismaClient as SqlitePrismaClient } from './generated/sqlite/index.js';
import { PrismaClient as PostgresPrismaClient } from './generated/postgres/index.js';
import { adapterFor } from './adapter';
import type { DatabaseTarget } from './database-target';

/**
 * The Prisma client type the code works with. Both providers are generated from one model
 * (prisma/postgres/schema.prisma is derived from prisma/schema.prisma), so their APIs are identical.
 */
export type Db = SqlitePrismaClient;
export type { Prisma } from './generated/sqlite/index.js';

const providers = new WeakMap<Db, DatabaseTarget['provider']>();

/** Creates a Prisma client for the target, connected through its driver adapter. */
export function createDb(target: DatabaseTarget): Db {
  const db =
    target.provider === 'sqlite'
      ? new SqlitePrismaClient({ adapter: adapterFor(target) })
      : (new PostgresPrismaClient({ adapter: adapterFor(target) }) as unknown as Db);
  providers.set(db, target.provider);
  return db;
}

/**
 * The provider of a client made by createDb, for the few raw SQL statements whose spelling
 * differs between SQLite and PostgreSQL (src/db/raw-sql.ts).
 */
export function providerOf(db: Db): DatabaseTarget['provider'] {
  const provider = providers.get(db);
  if (!provider) throw new Error('providerOf: the client was not made by createDb, so its provider is unknown');
  return provider;
}

/** A client derived from one made by createDb (a Prisma extension of it, say) has its provider. */
export function derivedDb(derived: Db, from: Db): Db {
  providers.set(derived, providerOf(from));
  return derived;
}
