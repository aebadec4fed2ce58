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

/** Creates a Prisma client for the target, connected through its driver adapter. */
export function createDb(target: DatabaseTarget): Db {
  switch (target.provider) {
    case 'sqlite':
      return new SqlitePrismaClient({ adapter: adapterFor(target) });
    case 'postgresql':
      return new PostgresPrismaClient({ adapter: adapterFor(target) }) as unknown as Db;
  }
}
