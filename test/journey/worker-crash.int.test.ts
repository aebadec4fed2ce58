import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runApi } from '../../src/cli/services';
import { startRules } from '../../src/cli/rules-runtime';
import { loadConfig } from '../../src/config';
import { startMailSink } from '../../src/email/mail-sink';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from '../support/database';
import { fastCadenceRules, rulesFixture } from '../support/rules-fixture';
import { bearer, createPersonToken, http } from '../support/system';
import { eventually } from '../support/tcp-proxy';

/**
 * The worker runs as its own process (`leadflow worker`) and is killed with SIGKILL in the middle
 * of a cadence, with timers pending. After a restart the cadence carries on: every step happens,
 * and no email is lost or sent twice.
 */
describe('worker killed mid-cadence', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('when the worker is SIGKILLed between cadence steps and restarted, then the cadence continues with each email sent exactly once', async () => {
    const logger = createLogger('silent');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-crash-'));
    const rulesDir = rulesFixture(fastCadenceRules('4 seconds'));
    cleanups.push(
      () => rmSync(dataDir, { recursive: true, force: true }),
      () => rmSync(rulesDir, { recursive: true, force: true }),
    );
    const database = await createTestDatabase('sqlite');
    cleanups.push(() => database.drop());
    const sink = await startMailSink({ host: '127.0.0.1', port: 0, dir: path.join(dataDir, 'mailbox'), logger });
    cleanups.push(() => sink.stop());

    const env = {
      DATABASE_URL: database.target.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `crash-${randomBytes(4).toString('hex')}`,
      LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
      LEADFLOW_RULES_DIR: rulesDir,
      LEADFLOW_DATA_DIR: dataDir,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    const config = loadConfig(env);
    const rules = await startRules(config, database.db, logger, { watch: false });
    const api = await runApi(config, { db: database.db, rules, logger });
    const headers = bearer(await createPersonToken(database.db, config.tenant, 'revops@crash.io', 'revops'));
    cleanups.push(
      () => api.stop(),
      () => rules.stop(),
    );

    let worker = await startWorkerProcess(env);
    cleanups.push(() => void worker.kill('SIGKILL'));

    const lead = await http(`${api.url}/api/leads?wait=stored`, {
      headers,
      body: {
        email: 'ada@crash.io',
        firstName: 'Ada',
        company: 'Engines',
        title: 'CTO',
        source: 'events',
        attributes: { employees: 1500, region: 'north-america', industry: 'software' },
      },
    });
    expect(
      (await http(`${api.url}/api/leads/${lead.body.id}/events`, { body: { type: 'pricing-page-visit' }, headers }))
        .body.stage,
    ).toBe('mql');
    const toLead = () => sink.list({ to: 'ada@crash.io' });
    expect(await eventually(async () => (await toLead()).length === 1, 20_000)).toBe(true);

    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    // The call step (after 4 s) and the last email (4 s later) fall due while no worker runs.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await toLead()).toHaveLength(1);

    worker = await startWorkerProcess(env);
    expect(await eventually(async () => (await toLead()).length >= 2, 40_000)).toBe(true);
    expect(
      await eventually(
        async () =>
          (await database.db.cadenceEnrolment.findFirst({ where: { leadId: lead.body.id } }))?.status === 'completed',
        20_000,
      ),
    ).toBe(true);

    const received = await toLead();
    expect(received.map((message) => message.subject).sort()).toEqual(
      ['Great meeting you at the event', expect.stringContaining('close')].sort(),
    );
    const rows = await database.db.outboundEmail.findMany({ where: { leadId: lead.body.id, template: { not: null } } });
    expect(rows.map((row) => row.status)).toEqual(['sent', 'sent']);
    const calls = await database.db.task.findMany({ where: { leadId: lead.body.id, kind: 'call' } });
    expect(calls).toHaveLength(1);
  });
});

async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = await eventually(
    () => Promise.resolve(output.includes('"msg":"worker running"') || child.exitCode !== null),
    90_000,
    200,
  );
  if (!ready || child.exitCode !== null) throw new Error(`worker did not start:\n${output}`);
  return child;
}
