import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntakeOutbox } from '../../src/db/intake-outbox';
import { captureBatch } from '../../src/usecases/bulk-intake';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';

/**
 * A bulk upload writes its outbox rows its own way (multi-row raw INSERTs on SQLite, createMany on
 * PostgreSQL), a single capture through Prisma's create with the schema's defaults. The dispatcher
 * must read both alike: same defaults, times stored in the same format, due from the upload's clock.
 */
describe.each(providers)('bulk outbox rows on %s', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('when a batch row and a single capture are stored, then they hold the same defaults and time format, and the batch row is due from the clock the upload was given', async () => {
    const { db } = database;
    // An explicit anchor, unrelated to today: Monday 2 March 2026, 09:00 UTC.
    const uploadedAt = new Date('2026-03-02T09:00:00.000Z');
    const outbox = createIntakeOutbox(db);
    await outbox.enqueue({
      submissionId: 'sub-single',
      tenant: 'default',
      leadId: 'ld_single00000000000000000',
      journeyId: 'lead-single',
      submission: { tenant: 'default', email: 'single@rows.io' } as never,
    });
    const receipt = await captureBatch(
      { db, now: () => uploadedAt },
      { tenant: 'default', kind: 'batch', source: 'events', campaign: null, fileName: null, createdBy: 'ops@rows.io' },
      [{ row: 0, lead: { email: 'bulk@rows.io', source: 'events', sourceDetails: {}, attributes: {} } }],
    );
    expect(receipt).toMatchObject({ accepted: 1, rejected: 0 });

    const single = await db.intakeSubmission.findUniqueOrThrow({ where: { id: 'sub-single' } });
    const bulk = await db.intakeSubmission.findFirstOrThrow({ where: { batchId: receipt.batchId } });
    const defaults = (r: typeof single) => ({
      state: r.state,
      attempts: r.attempts,
      leasedUntil: r.leasedUntil,
      outcome: r.outcome,
      submissions: r.submissions,
      lastError: r.lastError,
      settledAt: r.settledAt,
    });
    expect(defaults(bulk)).toEqual(defaults(single));
    expect(bulk.nextAttemptAt).toEqual(uploadedAt);
    expect(bulk.createdAt).toEqual(uploadedAt);
    expect(bulk.submission).toMatchObject({ email: 'bulk@rows.io', receivedAt: uploadedAt.toISOString() });

    if (provider === 'sqlite') {
      // SQLite compares stored text: both rows must hold their times in one format.
      const stored = await db.$queryRawUnsafe<{ id: string; nextAttemptAt: string; createdAt: string }[]>(
        'SELECT "id", "nextAttemptAt" || \'\' AS "nextAttemptAt", "createdAt" || \'\' AS "createdAt" FROM "IntakeSubmission" ORDER BY "id"',
      );
      const shape = (text: string) => text.replace(/\d/g, '9');
      const [first, second] = stored;
      expect(stored).toHaveLength(2);
      expect(shape(first!.nextAttemptAt)).toBe(shape(second!.nextAttemptAt));
      expect(shape(first!.createdAt)).toBe(shape(second!.createdAt));
    }

    // Due from the upload's clock: not a millisecond before it, and at it.
    const lease = new Date(uploadedAt.getTime() + 60_000);
    expect(await outbox.claimDue(new Date(uploadedAt.getTime() - 1), lease, 10)).toEqual([]);
    const due = await outbox.claimDue(uploadedAt, lease, 10);
    expect(due.map((c) => c.submissionId)).toEqual([bulk.id]);
  });
});
