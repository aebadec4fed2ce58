import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { issueIntegrationToken } from '../../src/auth/tokens';
import { scrape, seriesKey } from '../metrics/exposition';

/**
 * Acknowledge fast, lose nothing: a capture is kept in the intake outbox before the API answers,
 * and its journey starts from there, whenever Temporal and a worker can. Real Temporal dev server,
 * real SQLite, real HTTP; the worker is really stopped and started.
 */
const lead = (email: string) => ({ email, firstName: 'Ada', source: 'events' });

describe('lead intake while the worker is stopped', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_INTAKE_WAIT: 'accepted' }, { worker: false });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });
  const capture = (path: string) => http(`${system.url}${path}`);
  const storedLead = async (email: string) =>
    system.database.db.lead.findFirst({ where: { tenant: system.config.tenant, email } });

  it('when leads are captured, then each answer is a 202 naming where to follow it up, and once the worker is back every journey starts', async () => {
    const fastSentAt = Date.now();
    const fast = await http(`${system.url}/api/leads`, { body: lead('fast@stopped.io') });
    const fastAnsweredAt = Date.now();
    expect(fast.status).toBe(202);
    expect(fast.body).toMatchObject({ status: 'accepted', id: expect.stringMatching(/^ld_/) });
    expect(fast.headers.get('location')).toBe(`/api/captures/${fast.body.submissionId}`);

    // Waiting for the journey runs out (no worker): still a 202, never "the lead was not captured".
    const waited = await http(`${system.url}/api/leads?wait=stored`, {
      body: lead('waited@stopped.io'),
      headers: { 'Idempotency-Key': 'waited-while-stopped-1' },
    });
    expect(waited.status).toBe(202);
    expect(waited.body.status).toBe('accepted');

    const pending = await capture(fast.headers.get('location')!);
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ state: 'pending', leadId: fast.body.id, lead: null, error: null });
    expect(await storedLead('fast@stopped.io')).toBeNull();

    // Operations see the backlog: two captures wait, the oldest since the first answer.
    const { token: scraper } = await issueIntegrationToken(system.database.db, {
      tenant: system.config.tenant,
      name: 'prometheus',
      label: 'scraper',
      scopes: ['metrics'],
      by: { system: 'cli' },
      now: new Date(),
    });
    const waitingFor = (Date.now() - fastAnsweredAt) / 1000;
    const backlog = (await scrape(`${system.url}/metrics`, scraper)).samples;
    expect(backlog.get(seriesKey('leadflow_intake_outbox', { state: 'pending' }))).toBe(2);
    expect(backlog.get(seriesKey('leadflow_intake_outbox', { state: 'failed' }))).toBe(0);
    const oldest = backlog.get(seriesKey('leadflow_intake_oldest_pending_seconds'))!;
    expect(oldest).toBeGreaterThanOrEqual(Math.floor(waitingFor) - 1);
    expect(oldest).toBeLessThanOrEqual(Math.ceil((Date.now() - fastSentAt) / 1000) + 1);

    await system.startWorker();
    // Stored as soon as the journey stored it; created/merged once the dispatcher has its receipt.
    expect(
      await eventually(async () => (await capture(fast.headers.get('location')!)).body.outcome !== null, 60_000),
    ).toBe(true);
    const settled = await capture(fast.headers.get('location')!);
    expect(settled.body).toMatchObject({ state: 'stored', outcome: 'created', lead: `/api/leads/${fast.body.id}` });
    const shown = await http(`${system.url}/api/leads/${fast.body.id}`);
    expect(shown.status).toBe(200);
    expect(
      await eventually(async () => {
        const drained = (await scrape(`${system.url}/metrics`, scraper)).samples;
        return (
          drained.get(seriesKey('leadflow_intake_outbox', { state: 'pending' })) === 0 &&
          drained.get(seriesKey('leadflow_intake_oldest_pending_seconds')) === 0
        );
      }, 60_000),
    ).toBe(true);
    expect(shown.body).toMatchObject({ email: 'fast@stopped.io', journey: { submissions: 1 } });

    // The waited capture reached its journey too, and a retry with its key gets the settled answer.
    expect(await eventually(async () => (await storedLead('waited@stopped.io')) !== null, 60_000)).toBe(true);
    const retried = await http(`${system.url}/api/leads?wait=stored`, {
      body: lead('waited@stopped.io'),
      headers: { 'Idempotency-Key': 'waited-while-stopped-1' },
    });
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ status: 'created', id: waited.body.id, submissions: 1 });
    expect(retried.headers.get('location')).toBe(`/api/leads/${waited.body.id}`);
  }, 150_000);

  it('when the same person is captured many times at once (with and without one key), then they land in one journey', async () => {
    const email = 'crowd@stopped.io';
    const keyed = { 'Idempotency-Key': 'crowd-submission-0001' };
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => http(`${system.url}/api/leads`, { body: lead(email) })),
      ...Array.from({ length: 4 }, () => http(`${system.url}/api/leads`, { body: lead(email), headers: keyed })),
    ]);
    expect(answers.map((answer) => answer.status).every((status) => status === 202)).toBe(true);
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    const leadId = answers[0]!.body.id as string;

    // Eight unkeyed submissions and one keyed one (its four requests are one submission).
    expect(
      await eventually(
        async () => (await http(`${system.url}/api/leads/${leadId}`)).body.journey?.submissions === 9,
        60_000,
      ),
    ).toBe(true);
    expect(await system.database.db.lead.count({ where: { tenant: system.config.tenant, email } })).toBe(1);
    const runs = [];
    for await (const run of system.temporal.workflow.list({ query: `WorkflowId = '${answers[0]!.body.journeyId}'` }))
      runs.push(run);
    expect(runs).toHaveLength(1);
  }, 120_000);
});

describe('lead intake across a restart of the API', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('when the API stops with captures still pending, then the next start hands them to their journeys', async () => {
    // One installation restarted: the same database, task queue and tenant.
    const env = {
      LEADFLOW_INTAKE_WAIT: 'accepted',
      TEMPORAL_TASK_QUEUE: `restart-${randomBytes(4).toString('hex')}`,
      LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
    };
    const first = await startTestSystem('sqlite', env, { database, worker: false });
    const captured = await Promise.all(
      ['one', 'two', 'three'].map((name) => http(`${first.url}/api/leads`, { body: lead(`${name}@restart.io`) })),
    );
    expect(captured.map((answer) => answer.status)).toEqual([202, 202, 202]);
    await first.stop();
    expect(await database.db.intakeSubmission.count({ where: { state: 'pending' } })).toBe(3);
    expect(await database.db.lead.count()).toBe(0);

    const second = await startTestSystem('sqlite', env, { database });
    try {
      expect(
        await eventually(
          async () => (await database.db.intakeSubmission.count({ where: { state: 'stored' } })) === 3,
          60_000,
        ),
      ).toBe(true);
      const stored = await database.db.lead.findMany({ select: { email: true }, orderBy: { email: 'asc' } });
      expect(stored.map((row) => row.email)).toEqual(['one@restart.io', 'three@restart.io', 'two@restart.io']);
    } finally {
      await second.stop();
    }
  }, 150_000);
});

describe('lead intake under more load than it takes', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(
      'sqlite',
      { LEADFLOW_INTAKE_CONCURRENCY: '1', LEADFLOW_INTAKE_QUEUE: '0' },
      { worker: false },
    );
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('when more captures wait for their journeys than the limit, then the extra one is refused with 503 and Retry-After before anything is stored', async () => {
    const holding = http(`${system.url}/api/leads?wait=stored`, { body: lead('holding@load.io') });
    // Let the first one take the only slot.
    await eventually(async () => (await system.database.db.intakeSubmission.count()) === 1, 10_000, 50);
    const shed = await http(`${system.url}/api/leads?wait=stored`, { body: lead('shed@load.io') });
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('5');
    expect(shed.body.error).toMatchObject({
      code: 'overloaded',
      message: expect.stringContaining('nothing was stored'),
    });
    // Only the holding capture is in the outbox.
    expect(await system.database.db.intakeSubmission.count()).toBe(1);

    // The acknowledge-first path is not held up by the slow one.
    const fast = await http(`${system.url}/api/leads?wait=accepted`, { body: lead('fast@load.io') });
    expect(fast.status).toBe(202);
    expect((await holding).status).toBe(202);
  }, 60_000);
});
