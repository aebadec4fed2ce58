/**
 * Mutual exclusion between leadflow processes through the database they share, for the few steps
 * that every `leadflow api` or `leadflow worker` may run at the same moment (routing one lead,
 * recording a rules activation, creating the first admin): on PostgreSQL, advisory locks; on
 * SQLite, the file's one write lock.
 */
import type { Prisma } from './generated/sqlite/index.js';
import { providerOf, type Db } from './client';

type Tx = Prisma.TransactionClient;
type Provider = ReturnType<typeof providerOf>;

/** Lock classes (PostgreSQL's first advisory-lock key), one per kind of step, as four ASCII letters. */
export const LOCK_CLASS = {
  /** Routing: one key per rep a lead may reach. */
  routing: 0x4c465254, // "LFRT"
  /** The rules version store: its activation history. */
  rules: 0x4c465256, // "LFRV"
  /** Start-up chores that one process does for all (the first admin token). */
  startup: 0x4c465354, // "LFST"
} as const;

/**
 * Serialises this transaction against every other one that locks any of the same keys, until it
 * ends. PostgreSQL: transaction-scoped advisory locks, taken in ascending key order in one
 * statement, so two transactions never wait on each other in a cycle. SQLite: a no-op write to
 * `sqliteTable` (any table; `column` one of its columns) that takes the database write lock now, so another process's busy timeout queues behind
 * this transaction instead of failing its later read-then-write upgrade.
 */
export async function lockInTransaction(
  tx: Tx,
  provider: Provider,
  lock: { lockClass: number; keys: readonly string[]; sqliteTable: { table: string; column: string } },
): Promise<void> {
  if (provider === 'sqlite') {
    const { table, column } = lock.sqliteTable;
    await tx.$executeRawUnsafe(`UPDATE "${table}" SET "${column}" = "${column}" WHERE 0`);
    return;
  }
  const keys = [...new Set(lock.keys.map(fnv1a32))].sort((a, b) => a - b);
  if (keys.length)
    await tx.$executeRawUnsafe(
      'SELECT pg_advisory_xact_lock($1::int, k) FROM unnest($2::int[]) AS k',
      lock.lockClass,
      keys,
    );
}

/**
 * Runs `work` while no other process runs work under the same `key`: on PostgreSQL a transaction
 * holds the advisory lock while `work` uses the client's other connections, and commits nothing of
 * its own. On SQLite `work` runs as it is: processes sharing one SQLite file are few and on one
 * machine, and holding its write lock would block `work`'s own writes.
 */
export async function withDatabaseLock<T>(db: Db, key: string, work: () => Promise<T>): Promise<T> {
  if (providerOf(db) === 'sqlite') return work();
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1::int, $2::int)', LOCK_CLASS.startup, fnv1a32(key));
      return work();
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
}

/** 32-bit FNV-1a as a signed int, the range of PostgreSQL's `int`. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
