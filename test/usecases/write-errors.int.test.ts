/**
 * Which database errors an activity stops retrying (activities/index.ts): a unique clash is
 * permanent whether Prisma's own statement or a raw one (the bulk outbox INSERTs) hit it, and a
 * raw statement's other failures are retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permanentWriteError } from '../../src/db/write-errors';
import { createTestDatabase, sqliteOnly, type TestDatabase } from '../support/database';

describe.each(sqliteOnly)('permanent write errors on %s', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await database.drop();
  });

  const caught = async (write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      return error;
    }
    throw new Error('the write succeeded');
  };
  const lead = {
    id: 'ld_000000000000000000000a',
    tenant: 'acme',
    email: 'ada@example.com',
    source: 'webinar',
    sourceDetails: {},
    attributes: {},
    journeyId: 'journey-a',
  };

  it('takes a unique clash as a permanent conflict, from Prisma or from a raw statement', async () => {
    const { db } = database;
    await db.lead.create({ data: lead });
    const fromPrisma = await caught(() => db.lead.create({ data: { ...lead, id: 'ld_000000000000000000000b' } }));
    const fromRaw = await caught(
      () => db.$executeRaw`INSERT INTO "Lead" (id, tenant, email, source, "sourceDetails", attributes, "journeyId", "updatedAt")
        VALUES ('ld_000000000000000000000c', 'acme', 'ada@example.com', 'webinar', '{}', '{}', 'journey-c', '2026-03-02T09:00:00.000+00:00')`,
    );
    expect((fromRaw as { code?: string }).code).toBe('P2010');
    for (const error of [fromPrisma, fromRaw]) {
      const permanent = permanentWriteError(error);
      expect(permanent?.code).toBe('conflict');
      expect(permanent?.message).toMatch(
        /a unique constraint failed: .*UNIQUE constraint failed: Lead\.tenant, Lead\.email/,
      );
    }
  });

  it('leaves any other failure of a raw statement to be retried', async () => {
    const error = await caught(() => database.db.$executeRaw`INSERT INTO "NoSuchTable" (id) VALUES ('x')`);
    expect((error as { code?: string }).code).toBe('P2010');
    expect(permanentWriteError(error)).toBeUndefined();
  });
});
