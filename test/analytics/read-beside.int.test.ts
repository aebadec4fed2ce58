/**
 * readBeside (src/db/raw-sql.ts): the speed report reads its stays with no parallel workers on
 * PostgreSQL, so that the statement leaves the second core to the responses' statement beside it.
 * The setting must reach that statement and no other: the connection goes back to the pool as the
 * server set it. On SQLite, which has no parallel workers, it is a plain read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBeside, sql } from '../../src/db/raw-sql';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';

describe.each(providers)('a read beside another statement on %s', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('when a statement is read beside another, then it gives the rows a plain read gives', async () => {
    const query = sql`SELECT ${'stay'} AS stage, ${3} AS n UNION ALL SELECT ${'deal'}, ${4} ORDER BY n`;
    const beside = await readBeside<{ stage: string; n: unknown }[]>(database.db, query);
    const plain = await database.db.$queryRaw<{ stage: string; n: unknown }[]>(query);
    expect(beside.map((row) => [row.stage, Number(row.n)])).toEqual([
      ['stay', 3],
      ['deal', 4],
    ]);
    expect(beside).toEqual(plain);
  });

  it.runIf(provider === 'postgresql')(
    'when a statement is read beside another, then it runs with no parallel workers, and the statements after it with the server’s setting',
    async () => {
      const workers = sql`SELECT current_setting('max_parallel_workers_per_gather') AS workers`;
      // What a connection starts with (a setting leaked by an earlier read would not change it).
      const [server] = await database.db.$queryRaw<{ workers: string }[]>(
        sql`SELECT reset_val AS workers FROM pg_settings WHERE name = 'max_parallel_workers_per_gather'`,
      );
      // The server's default is 2: were it 0, the test could not tell the setting from it.
      expect(server!.workers).not.toBe('0');
      const [beside] = await readBeside<{ workers: string }[]>(database.db, workers);
      expect(beside!.workers).toBe('0');
      // Set for the transaction alone: every later read, on whichever pooled connection, has the server's.
      const after = await Promise.all(
        Array.from({ length: 4 }, () => database.db.$queryRaw<{ workers: string }[]>(workers)),
      );
      expect(after.map(([row]) => row!.workers)).toEqual(Array(4).fill(server!.workers));
    },
  );

  it('when the statement read beside fails, then the error reaches the caller', async () => {
    await expect(readBeside(database.db, sql`SELECT missing FROM "NoSuchTable"`)).rejects.toThrow(/NoSuchTable/i);
    const [row] = await database.db.$queryRaw<{ one: unknown }[]>(sql`SELECT 1 AS one`);
    expect(Number(row!.one)).toBe(1);
  });
});
