/**
 * What the tests of the analytics projections (LeadFunnel, kept by database triggers) share: the
 * migrations' backfills as committed, and a wait for a PostgreSQL connection to block on a lock.
 */
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { TestDatabase } from './database';

/** A connection of its own to the test database (PostgreSQL), for a second writer. */
export async function connectTo(database: TestDatabase): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.target.url });
  await client.connect();
  return client;
}

/** Resolves once `client`'s statement waits for a lock another transaction holds (PostgreSQL), so a test's interleaving is the one it names. */
export async function blocked(db: TestDatabase['db'], client: pg.Client): Promise<void> {
  const pid = (client as pg.Client & { processID: number }).processID;
  for (let tries = 0; tries < 200; tries++) {
    const [row] = await db.$queryRawUnsafe<{ wait: string | null }[]>(
      `SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = ${pid}`,
    );
    if (row?.wait === 'Lock') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`connection ${pid} never waited for a lock`);
}

/** The migrations' backfills of LeadFunnel, as committed for the provider, in the order they ran. */
export function backfillStatements(provider: string): string[] {
  const dir = provider === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations';
  const statement = (suffix: string, pattern: RegExp) => {
    const migration = readdirSync(dir).find((name) => name.endsWith(suffix));
    const found = pattern.exec(readFileSync(`${dir}/${migration}/migration.sql`, 'utf8'));
    if (!found) throw new Error(`no backfill in ${dir}/${migration}`);
    return found[0];
  };
  return [
    statement('_analytics_projections', /^INSERT INTO "LeadFunnel"[\s\S]*?;$/m),
    statement('_analytics_first_close', /^UPDATE "LeadFunnel"[\s\S]*?;$/m),
    statement('_analytics_first_touch', /^UPDATE "LeadFunnel"[\s\S]*?;$/m),
    statement('_analytics_first_mql', /^(UPDATE "LeadFunnel"|SELECT "leadflow_first_mql_refresh")[\s\S]*?;$/m),
    ...decisionBackfills(dir),
    statement('_analytics_scored_since', /^UPDATE "LeadFunnel"[\s\S]*?;$/m),
    statement('_analytics_funnel_sla', /^UPDATE "LeadFunnel"[\s\S]*?;$/m),
  ];
}

/** The backfill of `analytics_decision_versions` (one statement, both kinds), as committed for the provider. */
function decisionBackfills(dir: string): string[] {
  const migration = readdirSync(dir).find((name) => name.endsWith('_analytics_decision_versions'));
  const text = readFileSync(`${dir}/${migration}/migration.sql`, 'utf8');
  const found = [...text.matchAll(/^UPDATE "LeadFunnel"[\s\S]*?;$/gm)].map((match) => match[0]);
  if (found.length === 0) throw new Error(`no backfill in ${dir}/${migration}`);
  return found;
}

/** The migration's backfills of DealHistory, as committed for the provider: the courses, then the forecasts. */
export function dealHistoryBackfills(provider: string): string[] {
  const dir = provider === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations';
  const migration = readdirSync(dir).find((name) => name.endsWith('_analytics_deal_history'));
  const text = readFileSync(`${dir}/${migration}/migration.sql`, 'utf8');
  return [...text.matchAll(/^INSERT INTO "DealHistory"[\s\S]*?;$/gm)].map((match) => match[0]);
}

/** The migration's backfill of LeadOwnership, as committed for the provider. */
export function ownershipBackfill(provider: string): string {
  const dir = provider === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations';
  const migration = readdirSync(dir).find((name) => name.endsWith('_analytics_lead_ownership'));
  const found = /^INSERT INTO "LeadOwnership"[\s\S]*?;$/m.exec(
    readFileSync(`${dir}/${migration}/migration.sql`, 'utf8'),
  );
  if (!found) throw new Error(`no backfill in ${dir}/${migration}`);
  return found[0];
}

/** The migration's backfill of LeadFunnel's copy of the ownership columns, as committed for the provider. */
export function funnelOwnerBackfill(provider: string): string {
  const dir = provider === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations';
  const migration = readdirSync(dir).find((name) => name.endsWith('_analytics_funnel_owner'));
  const found = /^UPDATE "LeadFunnel"[\s\S]*?;$/m.exec(readFileSync(`${dir}/${migration}/migration.sql`, 'utf8'));
  if (!found) throw new Error(`no backfill in ${dir}/${migration}`);
  return found[0];
}
