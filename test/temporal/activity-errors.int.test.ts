import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createLogger } from '../../src/logger';
import { RuleRegistry } from '../../src/rules/registry';
import { InMemoryRuleVersionStore } from '../../src/rules/version-store';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** A domain error inside an activity reaches the workflow as a failure of its code, retryable or not by the one table. */
describe('domain errors raised by activities', () => {
  let database: TestDatabase;
  let activities: ReturnType<typeof createActivities>;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const registry = new RuleRegistry({
      dir: path.resolve('rules'),
      store: new InMemoryRuleVersionStore(),
      logger: createLogger('silent'),
      watch: false,
    });
    await registry.start();
    activities = createActivities({
      db: database.db,
      registry,
      mailer: { send: () => Promise.reject(new Error('unused')) } as never,
      mailFrom: 'x@y.z',
      publicUrl: 'http://localhost',
      linkSecret: 'test-link-secret-0123456789abcdefghijklmnop',
      marketingEmail: 'm@y.z',
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('when an activity meets a missing deal (not_found), then it fails at once instead of retrying forever', async () => {
    const failure = await activities
      .decideDeal({
        dealId: 'dl_doesnotexist0000000000',
        leadId: 'ld_x',
        idempotencyKey: 'k-1',
        request: { kind: 'stage-exit', stage: 'proposal' },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'not_found',
      nonRetryable: true,
      message: 'No deal dl_doesnotexist0000000000.',
    });
  });

  describe('a database write that no retry can fix', () => {
    const submission = (email: string) => ({
      tenant: 't1',
      email,
      source: 'ads' as const,
      sourceDetails: {},
      attributes: {},
      submissionId: `sub-${email}`,
      receivedAt: '2026-03-02T09:00:00.000Z',
    });
    beforeAll(async () => {
      await database.db.lead.create({
        data: {
          id: 'ld_taken',
          tenant: 't1',
          email: 'taken@x.io',
          journeyId: 'j-taken',
          source: 'ads',
          sourceDetails: {},
          attributes: {},
        },
      });
    });
    // A second lead row with an email another lead already has: the identity race's loser.
    const recordDuplicateEmail = () =>
      activities.recordSubmission({ leadId: 'ld_racer', journeyId: 'j-racer', submission: submission('taken@x.io') });

    it.each([
      [1, false],
      [2, false],
      [3, true],
    ])(
      'when a unique constraint fails on attempt %i, then it is a conflict failure, non-retryable: %s',
      async (attempt, nonRetryable) => {
        const failure = await new MockActivityEnvironment(
          { attempt },
          { logger: new DefaultLogger('ERROR', () => undefined) },
        )
          .run(recordDuplicateEmail)
          .catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect(failure).toMatchObject({ type: 'conflict', nonRetryable });
        expect((failure as Error).message).toBe(
          'The database refused the write on Lead: a unique constraint failed: UNIQUE constraint failed: Lead.tenant, Lead.email (Prisma P2002). Retrying cannot help; the data must be corrected.',
        );
      },
    );

    it('when a write needs a lead that does not exist, then it fails as not_found, non-retryable, not forever', async () => {
      const failure = await activities
        .updateSla({ leadId: 'ld_doesnotexist', status: 'met' })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ type: 'not_found', nonRetryable: true });
      expect((failure as Error).message).toContain('a record the change needs does not exist (Prisma P2025)');
    });

    it('when the lead is already stored, then the same submission again is a duplicate, not a failure', async () => {
      await database.db.lead.create({
        data: {
          id: 'ld_fine',
          tenant: 't1',
          email: 'fine@x.io',
          journeyId: 'j-fine',
          source: 'ads',
          sourceDetails: {},
          attributes: {},
        },
      });
      const input = { leadId: 'ld_fine', journeyId: 'j-fine', submission: submission('fine@x.io') };
      expect(await activities.recordSubmission(input)).toMatchObject({ duplicate: false });
      expect(await activities.recordSubmission(input)).toMatchObject({ duplicate: true });
    });

    it('when the submission that created a lead is recorded again (its acknowledgement was lost), then it still says it created the lead, and counts it once', async () => {
      const first = { leadId: 'ld_retried', journeyId: 'j-retried', submission: submission('retried@x.io') };
      expect(await activities.recordSubmission(first)).toMatchObject({
        created: true,
        duplicate: false,
        submissions: 1,
      });
      expect(await activities.recordSubmission(first)).toMatchObject({
        created: true,
        duplicate: true,
        submissions: 1,
      });
      const second = { ...first, submission: { ...first.submission, submissionId: 'sub-retried-2', title: 'CTO' } };
      expect(await activities.recordSubmission(second)).toMatchObject({
        created: false,
        duplicate: false,
        submissions: 2,
      });
      expect(await activities.recordSubmission(second)).toMatchObject({
        created: false,
        duplicate: true,
        submissions: 2,
        profile: { title: 'CTO' },
      });
    });
  });
});
