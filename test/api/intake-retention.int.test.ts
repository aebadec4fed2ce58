import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadSubmission } from '../../src/domain/lead';
import { createIntakeOutbox } from '../../src/db/intake-outbox';
import { sweepSettledBatches, sweepSettledCaptures } from '../../src/usecases/intake-retention';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

/**
 * The intake outbox's retention (LEADFLOW_INTAKE_RETENTION_DAYS, 30 days here): a stored capture
 * past it is deleted and its status answers 404 saying why; pending and failed captures, and one
 * whose Idempotency-Key is still live, are kept. A bulk intake goes whole once every row is stored,
 * and is kept while a row is pending or failed. Real Temporal dev server, worker, SQLite and HTTP;
 * "40 days ago" is written into the rows, relative to now.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
const lead = (email: string) => ({ email, firstName: 'Ada', source: 'events' });

describe('intake outbox retention', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem('sqlite', {
      LEADFLOW_INTAKE_WAIT: 'accepted',
      LEADFLOW_INTAKE_RETENTION_DAYS: '30',
    });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  const settledCapture = async (email: string, headers: Record<string, string> = {}) => {
    const answer = await http(`${system.url}/api/leads`, { body: lead(email), headers });
    expect(answer.status).toBe(202);
    const location = answer.headers.get('location')!;
    expect(await eventually(async () => (await http(`${system.url}${location}`)).body.outcome !== null, 60_000)).toBe(
      true,
    );
    return { location, leadId: answer.body.id as string, submissionId: answer.body.submissionId as string };
  };

  it('when a stored capture is older than the retention, then the sweep deletes it and its status says why, while pending, failed, keyed and recent captures stay', async () => {
    const db = system.database.db;
    const [failedId, pendingId] = [randomUUID(), randomUUID()];
    const outbox = createIntakeOutbox(db);
    const old = await settledCapture('old@retention.io');
    const keyed = await settledCapture('keyed@retention.io', { 'Idempotency-Key': 'retention-keyed-1' });
    const recent = await settledCapture('recent@retention.io');
    const submission = (id: string, email: string): LeadSubmission => ({
      submissionId: id,
      tenant: system.config.tenant,
      email,
      source: 'events',
      sourceDetails: {},
      attributes: {},
      receivedAt: new Date().toISOString(),
    });
    const failed = await outbox.enqueue({
      submissionId: failedId,
      tenant: system.config.tenant,
      leadId: 'ld_retentionfailed',
      journeyId: 'retention-failed-journey',
      submission: submission(failedId, 'failed@retention.io'),
    });
    await outbox.failed(failed.submissionId, 'conflict', 'refused for the test', new Date());
    // Pending and not due for a year, so the dispatcher leaves it alone.
    await outbox.enqueue({
      submissionId: pendingId,
      tenant: system.config.tenant,
      leadId: 'ld_retentionpending',
      journeyId: 'retention-pending-journey',
      submission: submission(pendingId, 'pending@retention.io'),
    });
    const now = new Date();
    await db.intakeSubmission.update({
      where: { id: pendingId },
      data: { nextAttemptAt: new Date(now.getTime() + 365 * DAY_MS), createdAt: new Date(now.getTime() - 40 * DAY_MS) },
    });
    const fortyDaysAgo = new Date(now.getTime() - 40 * DAY_MS);
    await db.intakeSubmission.updateMany({
      where: { id: { in: [old.submissionId, keyed.submissionId, failedId] } },
      data: { settledAt: fortyDaysAgo, createdAt: fortyDaysAgo },
    });

    expect(await sweepSettledCaptures(outbox, 30, now)).toBe(1);

    const gone = await http(`${system.url}${old.location}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain('more than 30 days ago');
    expect(gone.body.error.message).toContain('LEADFLOW_INTAKE_RETENTION_DAYS');
    // The lead itself is kept.
    expect((await http(`${system.url}/api/leads/${old.leadId}`)).status).toBe(200);

    expect((await http(`${system.url}${keyed.location}`)).body.state).toBe('stored');
    expect((await http(`${system.url}${recent.location}`)).body.state).toBe('stored');
    expect((await http(`${system.url}/api/captures/${failedId}`)).body.state).toBe('failed');
    expect((await http(`${system.url}/api/captures/${pendingId}`)).body.state).toBe('pending');

    // Once the key has expired too, the keyed capture goes on the next sweep.
    await db.idempotencyRecord.update({ where: { id: keyed.submissionId }, data: { expiresAt: fortyDaysAgo } });
    expect(await sweepSettledCaptures(outbox, 30, now)).toBe(1);
    expect((await http(`${system.url}${keyed.location}`)).status).toBe(404);
    expect((await http(`${system.url}/api/captures/${failedId}`)).status).toBe(200);
  });

  it('when a bulk intake settled longer ago than the retention, then it goes with its rows and its status says why, while running, failed and recent ones stay', async () => {
    const db = system.database.db;
    const send = async (leads: object[]) => {
      const sent = await http(`${system.url}/api/leads/batch`, { body: { leads, source: 'events' } });
      expect(sent.status).toBe(202);
      const location = sent.headers.get('location')!;
      expect(await eventually(async () => (await http(`${system.url}${location}`)).body.done === true, 60_000)).toBe(
        true,
      );
      return { id: sent.body.id as string, location };
    };
    const settledOld = await send([lead('bulk-old-1@retention.io'), lead('bulk-old-2@retention.io')]);
    const allRejected = await send([{ firstName: 'No identity' }]);
    const running = await send([lead('bulk-running-1@retention.io'), lead('bulk-running-2@retention.io')]);
    const withFailure = await send([lead('bulk-failed@retention.io')]);
    const recent = await send([lead('bulk-recent@retention.io')]);
    const now = new Date();
    const fortyDaysAgo = new Date(now.getTime() - 40 * DAY_MS);
    const aged = [settledOld, allRejected, running, withFailure].map((batch) => batch.id);
    await db.intakeBatch.updateMany({ where: { id: { in: aged } }, data: { createdAt: fortyDaysAgo } });
    await db.intakeSubmission.updateMany({
      where: { batchId: { in: aged } },
      data: { createdAt: fortyDaysAgo, settledAt: fortyDaysAgo },
    });
    // One row of `running` waits for its journey again (not due for a year, so the dispatcher leaves it).
    const waiting = await db.intakeSubmission.findFirstOrThrow({ where: { batchId: running.id } });
    await db.intakeSubmission.update({
      where: { id: waiting.id },
      data: { state: 'pending', settledAt: null, outcome: null, nextAttemptAt: new Date(now.getTime() + 365 * DAY_MS) },
    });
    const refused = await db.intakeSubmission.findFirstOrThrow({ where: { batchId: withFailure.id } });
    await createIntakeOutbox(db).failed(refused.id, 'conflict', 'refused for the test', fortyDaysAgo);

    expect(await sweepSettledBatches(createIntakeOutbox(db), 30, now)).toEqual({ batches: 2, rows: 2 });

    for (const gone of [settledOld, allRejected]) {
      const answer = await http(`${system.url}${gone.location}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.message).toContain('more than 30 days ago');
      expect(answer.body.error.message).toContain('LEADFLOW_INTAKE_RETENTION_DAYS');
      expect((await http(`${system.url}${gone.location}/errors.csv`)).status).toBe(404);
    }
    expect(await db.intakeSubmission.count({ where: { batchId: settledOld.id } })).toBe(0);
    // The leads themselves are kept.
    expect(await db.lead.count({ where: { email: { startsWith: 'bulk-old-' } } })).toBe(2);

    expect((await http(`${system.url}${running.location}`)).body.progress).toMatchObject({ pending: 1, stored: 1 });
    expect((await http(`${system.url}${withFailure.location}`)).body.progress).toMatchObject({ failed: 1 });
    expect((await http(`${system.url}${recent.location}`)).body.progress).toMatchObject({ stored: 1 });
  });
});
