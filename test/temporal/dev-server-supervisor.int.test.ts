import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { findFreePort, waitForPort } from '../../src/temporal/dev-server';
import { superviseDevServer } from '../../src/temporal/dev-server-supervisor';
import { eventually } from '../support/tcp-proxy';

/** A logger whose lines the test can read. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines, messages: () => lines.map((line) => String(line.msg)) };
}

const options = async (logger: pino.Logger) => ({
  binary: inject('temporalCliPath'),
  port: await findFreePort(),
  uiPort: null,
  namespace: 'default',
  logger,
});

const portAnswers = (port: number) =>
  waitForPort('127.0.0.1', port, 300).then(
    () => true,
    () => false,
  );

describe('the supervised embedded dev server', () => {
  it('when it dies while leadflow is shutting down, then it is not restarted', async () => {
    const { logger, messages } = recordingLogger();
    const shutdown = new AbortController();
    const opts = await options(logger);
    const policy = { initialDelayMs: 50, maxDelayMs: 50, stableAfterMs: 60_000 };
    const server = await superviseDevServer(opts, { policy, shutdown: shutdown.signal });
    shutdown.abort();
    server.current()?.process.kill('SIGKILL');
    // Long enough for a restart 50 ms after the exit to be up and answering, had there been one.
    await sleep(4_000);
    expect(await portAnswers(opts.port)).toBe(false);
    expect(server.restarts()).toBe(0);
    expect(messages()).not.toContain('Temporal dev server exited unexpectedly; restarting it');
    await server.stop();
  });

  it('when restarts keep failing, then the wait doubles up to its cap, and the server comes back once it can', async () => {
    const { logger, lines } = recordingLogger();
    // The binary is a link the test can point elsewhere: at `false`, every restart fails at once.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-supervisor-'));
    const binary = path.join(dir, 'temporal');
    symlinkSync(inject('temporalCliPath'), binary);
    const opts = { ...(await options(logger)), binary };
    const policy = { initialDelayMs: 100, maxDelayMs: 400, stableAfterMs: 60_000 };
    const server = await superviseDevServer(opts, { policy });
    try {
      rmSync(binary);
      symlinkSync('/bin/false', binary);
      server.current()?.process.kill('SIGKILL');
      const waits = () => lines.filter((line) => line.restartInMs !== undefined).map((line) => line.restartInMs);
      await eventually(() => Promise.resolve(waits().length >= 5), 10_000, 20);
      rmSync(binary);
      symlinkSync(inject('temporalCliPath'), binary);

      expect(waits().slice(0, 5)).toEqual([100, 200, 400, 400, 400]);
      expect(lines.filter((line) => line.msg === 'Temporal dev server did not restart; trying again').length).toBe(4);
      const restarted = () => lines.some((line) => String(line.msg).startsWith('Temporal dev server restarted'));
      expect(await eventually(() => Promise.resolve(restarted()), 20_000, 50)).toBe(true);
      expect(await portAnswers(opts.port)).toBe(true);
      expect(server.restarts()).toBe(1);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await portAnswers(opts.port)).toBe(false);
  });
});
