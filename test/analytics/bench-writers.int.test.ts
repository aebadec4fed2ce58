/**
 * The analytics benchmark's PostgreSQL writer (unnest INSERTs, src/bench/unnest-insert.ts) against
 * createMany: the same seed gives the same rows, every column of every table but those
 * holding the moment of writing (`updatedAt`, and the touches' `createdAt`), whichever way they are written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBenchHistory } from '../../src/bench/analytics-data';
import type { Db } from '../../src/db/client';
import { createTestDatabase, type TestDatabase } from '../support/database';

const LEADS = 1000;
/** The tables the writers fill (reps, quotas and the rest are written the same way on both). */
const TABLES = ['Lead', 'StageEvent', 'Decision', 'Assignment', 'Interaction', 'Deal', 'DealActivity', 'Quote'];
const MORE_TABLES = ['QuoteVersion', 'ApprovalRequest', 'Contract', 'DealForecast'];

/** Each table's row count and a digest of its rows in id order, the moment of writing left out. */
async function tableDigests(db: Db) {
  const digests: Record<string, unknown> = {};
  for (const table of [...TABLES, ...MORE_TABLES]) {
    const [row] = await db.$queryRawUnsafe<{ rows: bigint; digest: string }[]>(
      `SELECT count(*) AS rows, md5(string_agg((to_jsonb(t) - 'updatedAt' - ${table === 'Interaction' ? "'createdAt'" : "''"})::text, E'\\n' ORDER BY t.id)) AS digest
       FROM "${table}" t`,
    );
    digests[table] = { rows: Number(row!.rows), digest: row!.digest };
  }
  return digests;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('the benchmark history written on postgresql', () => {
  let unnest: TestDatabase;
  let createMany: TestDatabase;

  beforeAll(async () => {
    [unnest, createMany] = await Promise.all([createTestDatabase('postgresql'), createTestDatabase('postgresql')]);
  });
  afterAll(async () => {
    await Promise.all([unnest?.drop(), createMany?.drop()]);
  });

  it('when written with unnest INSERTs and with createMany, then every table holds the same rows', async () => {
    const fast = await writeBenchHistory(unnest.db, LEADS);
    const slow = await writeBenchHistory(createMany.db, LEADS, { via: 'createMany' });
    expect(fast).toEqual(slow);
    const digests = await tableDigests(unnest.db);
    expect(digests).toEqual(await tableDigests(createMany.db));
    expect(digests['Deal']).toMatchObject({ rows: fast['deals'] });
    expect(fast['deals']).toBeGreaterThan(0);
  });
});
