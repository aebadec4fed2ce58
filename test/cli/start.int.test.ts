import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/temporal/dev-server';
import { bearer, http } from '../support/system';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { eventually } from '../support/tcp-proxy';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `leadflow <args>` as a real process, the way `npm start` does. */
function leadflow(args: string[], env: Record<string, string>): Running {
  let output = '';
  const child = spawn(process.execPath, [tsxCli, 'src/cli/main.ts', ...args], {
    env: { ...process.env, LEADFLOW_TEMPORAL_CLI: inject('temporalCliPath'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function waitForOutput(running: Running, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = running.output().match(pattern);
    if (match) return match;
    if (running.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`leadflow did not print ${pattern}; output:\n${running.output()}`);
}

describe('leadflow start as a process', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  /** The API as its bootstrap admin: the token the first start wrote to the data folder. */
  const apiOf = (url: string, init: Parameters<typeof http>[1] = {}, dir = dataDir) =>
    http(url, {
      ...init,
      headers: { ...bearer(readFileSync(path.join(dir, 'admin-token'), 'utf8').trim()), ...init.headers },
    });
  const api = (url: string, init: Parameters<typeof http>[1] = {}) => apiOf(url, init);

  it('when started, stopped with SIGTERM and started again, then the lead journey keeps running with its state', async () => {
    const env = {
      LEADFLOW_DATA_DIR: dataDir,
      PORT: String(await findFreePort()),
      TEMPORAL_DEV_PORT: String(await findFreePort()),
      TEMPORAL_UI_PORT: String(await findFreePort()),
      LEADFLOW_SMTP_PORT: String(await findFreePort()),
    };
    const first = leadflow(['start'], env);
    const [, apiUrl] = await waitForOutput(first, /API\s+(http:\/\/\S+)\/api/);
    expect(first.output()).toMatch(/Dashboard\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(first.output()).toContain(`Temporal UI  http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);

    const created = await api(`${apiUrl}/api/leads`, { body: { email: 'durable@restart.io', source: 'events' } });
    expect(created.status).toBe(201);
    const dashboard = await fetch(`${apiUrl}/`);
    expect(await dashboard.text()).toContain('<title>leadflow</title>');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Temporal dev server stopped');

    const second = leadflow(['start'], env);
    try {
      await waitForOutput(second, /is running/);
      const shown = await api(`${apiUrl}/api/leads/${created.body.id}`);
      expect(shown.body).toMatchObject({
        email: 'durable@restart.io',
        journey: { status: 'live', stage: 'new', submissions: 1 },
      });
      const again = await api(`${apiUrl}/api/leads`, { body: { email: 'durable@restart.io', source: 'ads' } });
      expect(again.body).toMatchObject({ status: 'merged', submissions: 2 });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('when leadflow is stopped while an SLA timer is pending, then the timer still fires after the restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-timers-'));
    const rulesDir = rulesFixture(fastJourneyRules);
    const env = {
      LEADFLOW_DATA_DIR: dir,
      LEADFLOW_RULES_DIR: rulesDir,
      PORT: String(await findFreePort()),
      TEMPORAL_DEV_PORT: String(await findFreePort()),
      TEMPORAL_UI_PORT: String(await findFreePort()),
      LEADFLOW_SMTP_PORT: String(await findFreePort()),
    };
    const api = (url: string, init: Parameters<typeof http>[1] = {}) => apiOf(url, init, dir);
    try {
      const first = leadflow(['start'], env);
      const [, apiUrl] = await waitForOutput(first, /API\s+(http:\/\/\S+)\/api/);
      const lead = await api(`${apiUrl}/api/leads`, {
        body: {
          email: 'timer@restart.io',
          title: 'CTO',
          source: 'events',
          attributes: { employees: 1500, region: 'north-america', industry: 'software' },
        },
      });
      const mql = await api(`${apiUrl}/api/leads/${lead.body.id}/events`, { body: { type: 'pricing-page-visit' } });
      expect(mql.body.stage).toBe('mql');
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      // The 3-second first-touch deadline passes while nothing runs.
      await new Promise((resolve) => setTimeout(resolve, 4_000));

      const second = leadflow(['start'], env);
      try {
        await waitForOutput(second, /is running/);
        const reminded = await eventually(
          async () =>
            (await api(`${apiUrl}/api/leads/${lead.body.id}`)).body.journey.sla?.escalations[0] === 'remind-owner',
          30_000,
        );
        expect(reminded).toBe(true);
        expect((await api(`${apiUrl}/api/leads/${lead.body.id}`)).body).toMatchObject({ slaStatus: 'breached' });
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(rulesDir, { recursive: true, force: true });
    }
  });

  it('when the configuration is invalid, then start-up fails with a message naming the variable', async () => {
    const running = leadflow(['start'], { PORT: 'eighty', LEADFLOW_DATA_DIR: dataDir });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('PORT="eighty": must be a port number');
  });

  it('when the database cannot be migrated, then start-up stops with a clear message', async () => {
    const running = leadflow(['worker'], {
      DATABASE_URL: `postgresql://nobody:nothing@127.0.0.1:${await findFreePort()}/leadflow`,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      LEADFLOW_DATA_DIR: dataDir,
    });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('Database migration failed (postgresql). leadflow did not start');
  });
});
