import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/api/errors';
import { createLogger } from '../../src/logger';
import { createGate } from '../../src/usecases/intake-gate';

/**
 * A call to a workflow that runs out of time is a 503 that says what a retry does, never a 500:
 * the errors the Temporal client really throws, through the API's real error boundary.
 */
describe('when a call to Temporal times out or is cancelled', () => {
  let server: Server;
  let url: string;
  const failures: Record<string, () => Error> = {
    'update-cancelled': () =>
      new WorkflowUpdateRPCTimeoutOrCancelledError('Call cancelled', {
        cause: Object.assign(new Error('1 CANCELLED: Call cancelled'), { code: 1 }),
      }),
    'deadline-exceeded': () => Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 }),
  };
  beforeAll(async () => {
    const app = express();
    app.get('/fail/:kind', (req) => {
      throw failures[req.params.kind]!();
    });
    app.use(errorHandler(createLogger('silent')));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(Object.keys(failures))('(%s), then the answer is 503 temporal_unavailable with Retry-After', async (kind) => {
    const response = await fetch(`${url}/fail/${kind}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({
      error: { code: 'temporal_unavailable', message: expect.stringContaining('same Idempotency-Key') },
    });
  });
});

describe('the intake gate', () => {
  it('when the limit and the queue are full, then the next call is refused at once with overloaded, and a freed slot goes to the queue', async () => {
    const gate = createGate(1, 1, 'full');
    const releases: Array<() => void> = [];
    const held = () => new Promise<string>((resolve) => releases.push(() => resolve('done')));
    const first = gate.run(held);
    const queued = gate.run(() => Promise.resolve('queued ran'));
    await expect(gate.run(() => Promise.resolve('never'))).rejects.toMatchObject({
      code: 'overloaded',
      message: 'full',
    });
    expect([gate.inFlight, gate.waiting]).toEqual([1, 1]);
    releases[0]!();
    expect(await first).toBe('done');
    expect(await queued).toBe('queued ran');
    expect([gate.inFlight, gate.waiting]).toEqual([0, 0]);
  });

  it('when a call fails, then its slot is freed all the same', async () => {
    const gate = createGate(1, 0, 'full');
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(() => Promise.resolve('next'))).toBe('next');
  });
});
