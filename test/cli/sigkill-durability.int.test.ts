import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/temporal/dev-server';
import { startLeadflow, type Running } from '../support/leadflow-process';
import { bearer, http } from '../support/system';
import { eventually } from '../support/tcp-proxy';

/**
 * The durability promise of intake (docs/operations.md, "Lead intake under load"): a capture the
 * API acknowledged is never lost. Here everything is killed without warning, mid-load: the
 * `leadflow start` process (API, worker, intake dispatcher) and its Temporal dev server, both with
 * SIGKILL, so nothing gets to flush, drain or say goodbye. The next start on the same data folder
 * must deliver every acknowledged capture to a journey, once.
 */
const CAPTURES = 90;
const CLIENTS = 6;
/** Kill once this many captures have been acknowledged, while the rest are still being sent. */
const KILL_AFTER = 30;

interface Acknowledged {
  email: string;
  status: number;
  leadId: string;
  location: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('leadflow start killed with SIGKILL under intake load', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-sigkill-'));
  const running: Running[] = [];
  afterAll(async () => {
    for (const process of running) await process.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the API, the worker and the Temporal dev server are all SIGKILLed mid-load, then after a restart every acknowledged lead has its journey, once', async () => {
    const env = {
      LEADFLOW_TEMPORAL_CLI: inject('temporalCliPath'),
      LEADFLOW_DATA_DIR: dataDir,
      // The default answer: 202 once the capture is in the intake outbox, before any journey runs.
      LEADFLOW_INTAKE_WAIT: 'accepted',
      PORT: String(await findFreePort()),
      TEMPORAL_DEV_PORT: String(await findFreePort()),
      TEMPORAL_UI_PORT: String(await findFreePort()),
      LEADFLOW_SMTP_PORT: String(await findFreePort()),
    };
    const first = startLeadflow(['start'], env);
    running.push(first);
    const [, apiUrl] = await first.waitFor(/API\s+(http:\/\/\S+)\/api/);
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const api = (url: string, init: Parameters<typeof http>[1] = {}) =>
      http(`${apiUrl}${url}`, { ...init, headers: { ...bearer(token), ...init.headers } });

    const acknowledged: Acknowledged[] = [];
    let killed = false;
    let next = 0;
    const kill = () => {
      if (killed) return;
      killed = true;
      const devServerPid = Number(readFileSync(path.join(dataDir, 'temporal-dev-server.pid'), 'utf8'));
      first.child.kill('SIGKILL');
      process.kill(devServerPid, 'SIGKILL');
    };
    // Clients send captures one after another until the processes die under them; a request cut
    // off by the kill got no answer, so it was not acknowledged (a form tool would send it again).
    const client = async () => {
      while (!killed && next < CAPTURES) {
        const email = `sigkill-${next++}@durable.io`;
        try {
          const answer = await api('/api/leads', { body: { email, firstName: 'Ada', source: 'events' } });
          if (answer.status >= 200 && answer.status < 300)
            acknowledged.push({
              email,
              status: answer.status,
              leadId: answer.body.id as string,
              location: answer.headers.get('location') ?? '',
            });
        } catch {
          return;
        }
        if (acknowledged.length >= KILL_AFTER) kill();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    kill();
    const devServerPid = Number(readFileSync(path.join(dataDir, 'temporal-dev-server.pid'), 'utf8'));
    await first.exited;
    expect(await eventually(() => Promise.resolve(!isAlive(devServerPid)), 10_000, 100)).toBe(true);
    // Nothing stopped cleanly: the pid file is still there, as after a power cut of the processes.
    expect(existsSync(path.join(dataDir, 'temporal-dev-server.pid'))).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acknowledged.every((capture) => capture.status === 202)).toBe(true);
    // What the kill left: acknowledged captures whose journeys had not stored them yet (so the
    // test proves something: they exist only in the outbox when everything dies).
    const file = new Database(path.join(dataDir, 'leadflow.db'), { readonly: true });
    const unsettled = file
      .prepare("SELECT count(*) AS n FROM IntakeSubmission WHERE state = 'pending' OR outcome IS NULL")
      .get() as { n: number };
    file.close();
    expect(unsettled.n).toBeGreaterThan(0);

    const second = startLeadflow(['start'], env);
    running.push(second);
    await second.waitFor(/is running/);

    // Every acknowledged capture reaches its journey: the outbox row is settled as stored…
    const settled = async () => {
      for (const capture of acknowledged) {
        const followUp = await api(capture.location);
        if (followUp.body?.state !== 'stored' || followUp.body?.outcome === null) return false;
      }
      return true;
    };
    expect(await eventually(settled, 120_000, 1_000)).toBe(true);
    for (const capture of acknowledged) {
      const followUp = await api(capture.location);
      expect(followUp.body).toMatchObject({ state: 'stored', outcome: 'created', leadId: capture.leadId });
      // …and the lead is there with a live journey that holds exactly this one submission.
      const lead = await api(`/api/leads/${capture.leadId}`);
      expect(lead.status).toBe(200);
      expect(lead.body).toMatchObject({ email: capture.email, journey: { status: 'live', submissions: 1 } });
    }
    // No capture became two leads: each acknowledged address is one lead.
    const listed = await api('/api/leads?q=durable.io&limit=200');
    const emails = (listed.body.leads as { email: string }[]).map((lead) => lead.email);
    for (const capture of acknowledged) expect(emails.filter((email) => email === capture.email)).toHaveLength(1);
  }, 300_000);
});
