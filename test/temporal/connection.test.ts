import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createTemporalClient } from '../../src/temporal/connection';
import { findFreePort } from '../../src/temporal/dev-server';

describe('the API’s Temporal client', () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  afterEach(() => {
    process.off('uncaughtException', record);
  });

  it('when it is closed while calls are being retried (Temporal down), then no retry fires on the closed channel', async () => {
    process.on('uncaughtException', record);
    const client = createTemporalClient({
      mode: 'external',
      address: `127.0.0.1:${await findFreePort()}`,
      namespace: 'default',
      taskQueue: 'closing',
      tls: false,
    });
    // Nothing listens there: each attempt fails UNAVAILABLE and the SDK schedules the next on a timer.
    const calls = Array.from({ length: 5 }, () =>
      client.workflowService.getSystemInfo({}).then(() => 'answered', String),
    );
    await sleep(700);

    const closing = performance.now();
    await client.connection.close();
    const closeMs = performance.now() - closing;
    // Past the longest retry delay (5 s), a timer left behind would have thrown "Channel has been shut down".
    await sleep(5_500);

    expect(uncaught).toEqual([]);
    for (const outcome of await Promise.all(calls)) expect(outcome).toMatch(/UNAVAILABLE|shut down|No connection/i);
    expect(closeMs).toBeLessThan(5_500);
  });
});
