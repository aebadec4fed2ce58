import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { installShutdown, ShutdownRequested } from '../../src/cli/shutdown';
import type { Stoppable } from '../../src/cli/stoppable';
import { createLogger } from '../../src/logger';

/** A process stand-in: signals are emitted by the test, exits are recorded instead of taken. */
function harness(repeatWindowMs = 300) {
  const signals = new EventEmitter();
  const events: string[] = [];
  const exits: number[] = [];
  const shutdown = installShutdown(createLogger('silent'), {
    repeatWindowMs,
    target: signals,
    exit: (code) => exits.push(code),
  });
  const part = (name: string, stopMs = 0): Stoppable => ({
    name,
    stop: async () => {
      await sleep(stopMs);
      events.push(`${name} stopped`);
    },
    stopNow: () => events.push(`${name} told to stop now`),
  });
  const send = (signal: NodeJS.Signals) => signals.emit(signal, signal);
  return { shutdown, part, send, events, exits };
}

describe('graceful shutdown', () => {
  it.each([
    ['SIGINT', 'SIGINT', 5],
    ['SIGINT', 'SIGTERM', 5],
    ['SIGTERM', 'SIGINT', 150],
    ['SIGHUP', 'SIGHUP', 0],
  ] as const)(
    'when %s is followed by %s %i ms later (one request, relayed), then every part stops in reverse order and the exit is 0',
    async (first, second, gapMs) => {
      const { shutdown, part, send, events, exits } = harness();
      await shutdown.add(part('dev server'));
      await shutdown.add(part('worker', 100));
      await shutdown.add(part('api'));
      send(first);
      await sleep(gapMs);
      send(second);
      expect(await shutdown.done).toBe(0);
      expect(events).toEqual(['api stopped', 'worker stopped', 'dev server stopped']);
      expect(exits).toEqual([]);
    },
  );

  it('when a second signal comes after the repeat window (a person pressing Ctrl+C again), then it exits at once with 1', async () => {
    const { shutdown, part, send, events, exits } = harness(100);
    await shutdown.add(part('dev server'));
    await shutdown.add(part('worker', 1_000));
    send('SIGINT');
    await sleep(200);
    send('SIGINT');
    expect(exits).toEqual([1]);
    expect(events).toEqual(['worker told to stop now', 'dev server told to stop now']);
  });

  it('when a part finishes starting after the shutdown began, then it is stopped too and start-up is told to give up', async () => {
    const { shutdown, part, send, events } = harness();
    await shutdown.add(part('dev server', 50));
    send('SIGINT');
    expect(shutdown.signal.aborted).toBe(true);
    await expect(shutdown.add(part('database'))).rejects.toThrow(ShutdownRequested);
    expect(await shutdown.done).toBe(0);
    expect(events).toEqual(['database stopped', 'dev server stopped']);
  });
});
