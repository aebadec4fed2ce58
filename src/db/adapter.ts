import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { DatabaseTarget } from './database-target';

/**
 * The Prisma driver adapter factory for a target; used by the client and by `prisma migrate`.
 * `shortLived` (the Prisma CLI) closes idle PostgreSQL connections at once, so the CLI process
 * exits as soon as it is done instead of waiting out pg's 10-second idle timeout.
 */
export function adapterFor(
  target: DatabaseTarget,
  options: { shortLived?: boolean } = {},
): PrismaBetterSQLite3 | PrismaPg {
  switch (target.provider) {
    case 'sqlite':
      return new PrismaBetterSQLite3({ url: target.url, timeout: 10_000 });
    case 'postgresql':
      return new PrismaPg(
        new pg.Pool({
          connectionString: target.url,
          max: 10,
          connectionTimeoutMillis: 5_000,
          idleTimeoutMillis: options.shortLived ? 50 : 10_000,
          allowExitOnIdle: true,
          // Also turns JIT off on each connection (below).
          Client: CatalogTextClient,
        }),
        { disposeExternalPool: true },
      );
  }
}

/** PostgreSQL's internal string types that @prisma/adapter-pg 6.x refuses to decode. */
const CATALOG_TEXT_TYPE_IDS = new Set([18 /* "char" */, 19 /* name */]);
const TEXT_TYPE_ID = 25;

/**
 * Works around prisma/orm#27403: `prisma migrate` through @prisma/adapter-pg fails with
 * "Column type 'name' could not be deserialized", because the schema engine reads system catalog
 * columns of type `name`, which the adapter does not map. pg already returns those values as
 * strings, so reporting them as `text` is exact. Application tables never use these types.
 */
class CatalogTextClient extends pg.Client {}

// pg's query() overloads cannot be re-declared in a subclass, so the wrapper is installed on the
// prototype. It handles both the callback form (used by pg.Pool) and the promise form.
Object.defineProperty(CatalogTextClient.prototype, 'query', {
  value: function query(this: pg.Client, ...args: unknown[]): unknown {
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as (err: Error | null, res?: pg.QueryResult) => void;
      args[args.length - 1] = (err: Error | null, res?: pg.QueryResult) =>
        callback(err, res && reportCatalogTypesAsText(res));
    }
    const result = (pg.Client.prototype.query as (...a: unknown[]) => unknown).apply(this, args);
    return result instanceof Promise ? result.then(reportCatalogTypesAsText) : result;
  },
});

// No JIT compilation: leadflow's statements are short, and on the analytics reads (hundreds of
// thousands of rows at 1M leads, whose cost estimates pass jit_above_cost) PostgreSQL spent 0.3–1.5 s
// compiling for runs of 0.5–2 s (docs/analytics.md, "PostgreSQL, 1 000 000 leads"). A SET sent once
// a connection is open, before the pool hands it out, rather than the startup parameter `options`,
// which PgBouncer and some managed poolers refuse; a server that refuses the SET keeps JIT.
Object.defineProperty(CatalogTextClient.prototype, 'connect', {
  value: function connect(this: pg.Client, callback?: (err: Error | null) => void): unknown {
    const open = (pg.Client.prototype.connect as (this: pg.Client) => Promise<unknown>).call(this);
    const ready = open.then(() =>
      this.query('SET jit = off').then(
        () => undefined,
        () => undefined,
      ),
    );
    if (typeof callback !== 'function') return ready;
    ready.then(
      () => callback(null),
      (err: Error) => callback(err),
    );
    return undefined;
  },
});

function reportCatalogTypesAsText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result.fields ?? []) {
    if (CATALOG_TEXT_TYPE_IDS.has(field.dataTypeID)) field.dataTypeID = TEXT_TYPE_ID;
  }
  return result;
}
