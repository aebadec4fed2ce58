import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/temporal/dev-server';
import { startLeadflow, type Running } from '../support/leadflow-process';
import { bearer, http } from '../support/system';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { eventually } from '../support/tcp-proxy';

/** Runs `leadflow <args>` as a real process, the way `npm start` does (one node process, no tsx CLI). */
function leadflow(args: string[], env: Record<string, string>): Running {
  return startLeadflow(args, { LEADFLOW_TEMPORAL_CLI: inject('temporalCliPath'), ...env });
}

const waitForOutput = (running: Running, pattern: RegExp) => running.waitFor(pattern);

/** A data folder and free ports for one `leadflow start`. */
async function freshStart(dataDir: string) {
  return {
    LEADFLOW_DATA_DIR: dataDir,
    PORT: String(await findFreePort()),
    TEMPORAL_DEV_PORT: String(await findFreePort()),
    TEMPORAL_UI_PORT: String(await findFreePort()),
    LEADFLOW_SMTP_PORT: String(await findFreePort()),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a stop leaves behind in the data folder that a clean stop must not: pid and SQLite -wal/-shm
 * files (leadflow.db's, and temporal.db's: the dev server runs its file in WAL mode).
 */
const leftovers = (dataDir: string) =>
  readdirSync(dataDir).filter((name) => name.endsWith('.pid') || name.endsWith('-wal') || name.endsWith('-shm'));

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
    expect(first.output()).toMatch(/Workspace\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(first.output()).toContain(`Temporal UI  http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);

    const created = await api(`${apiUrl}/api/leads`, { body: { email: 'durable@restart.io', source: 'events' } });
    expect(created.status).toBe(201);
    // The workspace page is served (built by npm install, or by start when its sources changed).
    expect(await (await fetch(`${apiUrl}/`)).text()).toContain('<title>leadflow</title>');
    const dashboard = await (await fetch(`${apiUrl}/console`)).text();
    // The operations console links to the Temporal UI on the configured TEMPORAL_UI_PORT, and the UI is there.
    const temporalUi = dashboard.match(/<a id="temporal-ui" href="([^"]+)"[^>]*>Temporal UI<\/a>/)?.[1];
    expect(temporalUi).toBe(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);
    expect((await fetch(temporalUi ?? '')).status).toBe(200);

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

  it('when one Ctrl+C arrives twice a few ms apart (terminal and a relaying parent), then leadflow still stops gracefully', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-ctrl-c-'));
    try {
      const running = leadflow(['start'], await freshStart(dir));
      const [, apiUrl] = await waitForOutput(running, /API\s+(http:\/\/\S+)\/api/);
      expect(
        (await apiOf(`${apiUrl}/api/leads`, { body: { email: 'ctrl-c@twice.io', source: 'events' } }, dir)).status,
      ).toBe(201);
      expect(leftovers(dir)).toEqual(
        expect.arrayContaining(['temporal-dev-server.pid', 'leadflow.db-wal', 'temporal.db-wal', 'temporal.db-shm']),
      );
      const devServerPid = Number(readFileSync(path.join(dir, 'temporal-dev-server.pid'), 'utf8'));

      // As tsx's CLI did: the terminal's SIGINT, then the parent's relay of it a few ms later. The
      // relay is sent once the first is being handled: two SIGINTs still pending together are merged
      // by the kernel into one, which on a busy machine would leave nothing repeated to test.
      running.child.kill('SIGINT');
      await waitForOutput(running, /shutting down gracefully/);
      running.child.kill('SIGINT');

      expect(await running.exited).toBe(0);
      expect(running.output()).not.toContain('exiting immediately');
      expect(running.output()).toContain('signal repeated while shutting down: still stopping gracefully');
      for (const part of ['api', 'worker', 'database', 'temporal-dev-server'])
        expect(running.output()).toContain(`"part":"${part}","msg":"stopped"`);
      expect(leftovers(dir)).toEqual([]);
      expect(isAlive(devServerPid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when Ctrl+C comes during start-up, then what had started is stopped and nothing is left running', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-early-ctrl-c-'));
    try {
      const running = leadflow(['start'], await freshStart(dir));
      await waitForOutput(running, /Temporal dev server started/);
      const devServerPid = Number(readFileSync(path.join(dir, 'temporal-dev-server.pid'), 'utf8'));
      running.child.kill('SIGINT');

      expect(await running.exited).toBe(0);
      expect(running.output()).not.toContain('is running');
      expect(running.output()).toContain('"part":"temporal-dev-server","msg":"stopped"');
      expect(leftovers(dir)).toEqual([]);
      expect(isAlive(devServerPid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the embedded Temporal dev server dies, then leadflow restarts it, /health recovers and new leads are captured', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-supervised-'));
    const running = leadflow(['start'], await freshStart(dir));
    try {
      const [, apiUrl] = await waitForOutput(running, /API\s+(http:\/\/\S+)\/api/);
      const before = await apiOf(`${apiUrl}/api/leads`, { body: { email: 'before@crash.io', source: 'events' } }, dir);
      expect(before.status).toBe(201);
      const pidFile = path.join(dir, 'temporal-dev-server.pid');
      const killedPid = Number(readFileSync(pidFile, 'utf8'));

      process.kill(killedPid, 'SIGKILL');
      const killedAt = performance.now();
      await waitForOutput(running, /"signal":"SIGKILL".*Temporal dev server exited unexpectedly; restarting it/);
      const healthy = await eventually(async () => (await http(`${apiUrl}/health`)).body.status === 'ok', 30_000, 100);
      const recoveredInMs = performance.now() - killedAt;
      expect(healthy).toBe(true);
      expect(recoveredInMs).toBeLessThan(30_000);
      // /health can answer before the supervisor (polling the port) has logged the restart.
      await waitForOutput(running, /"restarts":1,.*Temporal dev server restarted/);
      const restartedPid = Number(readFileSync(pidFile, 'utf8'));
      expect(restartedPid).not.toBe(killedPid);
      expect(isAlive(restartedPid)).toBe(true);

      // The worker reconnected: a new lead's journey runs and answers, and the old one carries on.
      const after = await apiOf(`${apiUrl}/api/leads`, { body: { email: 'after@crash.io', source: 'ads' } }, dir);
      expect(after.status).toBe(201);
      const shown = await apiOf(`${apiUrl}/api/leads/${after.body.id}`, {}, dir);
      expect(shown.body).toMatchObject({ email: 'after@crash.io', journey: { status: 'live', stage: 'new' } });
      const again = await apiOf(`${apiUrl}/api/leads`, { body: { email: 'before@crash.io', source: 'ads' } }, dir);
      expect(again.body).toMatchObject({ status: 'merged', submissions: 2 });

      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
      expect(leftovers(dir)).toEqual([]);
      expect(isAlive(restartedPid)).toBe(false);
    } finally {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
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
