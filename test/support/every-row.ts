/**
 * The naive baseline's read (src/bench/naive-facts.ts), kept while the database is unchanged.
 *
 * A differential test compares hundreds of reports with the same reports computed on every row of
 * the tenant. Reading every row through Prisma's object mapping takes most of such a test's time
 * (59 s of 87 s for loader-differential on SQLite), and the rows are the same from one report to
 * the next until a test writes. So the read is kept per tenant and `asOf`, and forgotten at every
 * write through the returned client (any call that is not a read: on a model, a raw statement that
 * is not a query or a query that may change rows, a transaction), before it runs and again once it
 * has run. A test that changes a row and then compares reads every row again, so it can never
 * compare with rows from before its change.
 *
 * A write through the client runs at once and returns a plain promise, not Prisma's lazy one: a
 * batch `$transaction([…])` holding a write, or the fluent API on a write's result, does not work
 * through it (the differential test uses neither). A batch of reads is a read: it runs as it is
 * (speed reads its stays in one, with no parallel workers: readBeside in src/db/raw-sql.ts). The
 * kept read's records and arrays are frozen, so code that changed one in place would fail loudly
 * rather than spoil the next comparison.
 */
import { derivedDb, type Db } from '../../src/db/client';
import { factRowsOf, readEveryRow, type EveryRow } from '../../src/bench/naive-facts';
import type { FactRowsLoader } from '../../src/usecases/analytics/load-facts';

const READS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
]);

/**
 * Raw statements: one is a read only when it selects and changes nothing (no data-modifying `WITH`,
 * no `RETURNING`), a query or not (`SELECT set_config(…)` through `$executeRaw` sets a setting for
 * its transaction alone).
 */
const RAW_STATEMENTS = new Set(['$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe']);

function isReadOnlyQuery(args: unknown[]): boolean {
  const [first] = args;
  const text =
    typeof first === 'string'
      ? first
      : Array.isArray(first)
        ? first.join(' ')
        : typeof first === 'object' && first !== null && 'strings' in first && Array.isArray(first.strings)
          ? first.strings.join(' ')
          : '';
  return /^\s*(SELECT|WITH)\b/i.test(text) && !/\b(INSERT|UPDATE|DELETE|MERGE|RETURNING)\b/i.test(text);
}

export interface EveryRowWhileUnchanged {
  /** The test's client: every write through it forgets the kept reads. */
  db: Db;
  /** loadEveryRow, on a read kept since the last write. */
  loadEveryRow: FactRowsLoader;
  /** How many times every row was read from the database (for the test that checks the forgetting). */
  reads(): number;
}

export function everyRowWhileUnchanged(db: Db): EveryRowWhileUnchanged {
  const kept = new Map<string, Promise<EveryRow>>();
  let reads = 0;
  /** Runs a write, forgetting every kept read before it and once it has run (or failed). */
  const write = async (run: () => Promise<unknown>) => {
    kept.clear();
    try {
      return await run();
    } finally {
      kept.clear();
    }
  };
  // The raw reads made through the client, still Prisma's lazy promises: a batch of them is a read.
  const rawReads = new WeakSet<object>();
  const method = (owner: object, name: PropertyKey) => {
    const value: unknown = Reflect.get(owner, name);
    if (typeof value !== 'function') return value;
    if (typeof name === 'string' && READS.has(name)) return value.bind(owner);
    if (typeof name === 'string' && RAW_STATEMENTS.has(name))
      return (...args: unknown[]) => {
        if (!isReadOnlyQuery(args)) return write(() => value.apply(owner, args));
        const read: unknown = value.apply(owner, args);
        if (typeof read === 'object' && read !== null) rawReads.add(read);
        return read;
      };
    if (name === '$transaction')
      return (...args: unknown[]) => {
        const [batch] = args;
        const reads = Array.isArray(batch) && batch.every((each) => typeof each === 'object' && rawReads.has(each));
        return reads ? value.apply(owner, args) : write(() => value.apply(owner, args));
      };
    return (...args: unknown[]) => write(() => value.apply(owner, args));
  };
  // A proxy rather than a Prisma extension: an extended PostgreSQL client refuses the raw statements
  // the code builds with Prisma.sql of the SQLite client (the type both clients share).
  const models = new Map<PropertyKey, object>();
  const client = new Proxy(db, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name);
      if (typeof value === 'object' && value !== null && 'findMany' in value) {
        let model = models.get(name);
        if (!model) {
          model = new Proxy(value, { get: (delegate, operation) => method(delegate, operation) });
          models.set(name, model);
        }
        return model;
      }
      // Raw statements that are not reads ($executeRaw…) and transactions count as writes.
      return method(target, name);
    },
  });
  derivedDb(client, db);
  return {
    db: client,
    loadEveryRow: async (reader, sight, window, ownerCut) => {
      const key = `${sight.tenant} ${window.asOf.toISOString()}`;
      let read = kept.get(key);
      if (!read) {
        reads += 1;
        const reading = readEveryRow(reader, sight.tenant, window.asOf).then(deepFreeze);
        kept.set(key, reading);
        reading.catch(() => kept.get(key) === reading && kept.delete(key));
        read = reading;
      }
      return factRowsOf(await read, ownerCut);
    },
    reads: () => reads,
  };
}

/** Freezes records and arrays all the way down (Dates and byte arrays are left as they are). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}
