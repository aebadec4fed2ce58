import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
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
});
