/**
 * Scale-out, shown (docs/operations.md, "Scale-out"): two `leadflow worker` and two `leadflow api`
 * processes, started at once on one fresh PostgreSQL database and one Temporal server, take a burst
 * of captures spread over both APIs (some of them concurrent repeats of one address, one through
 * each API). Whatever answered, every acknowledged capture is stored, each address is one lead with
 * one live journey holding all of its submissions, both workers did the journeys' work, and the
 * round-robin pool shared the leads in strict turns. PostgreSQL only: it is the database separate
 * processes are documented for (skipped without TEST_DATABASE_URL).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, providers } from '../support/database';
import { startLeadflow, type Running } from '../support/leadflow-process';
import { bearer, createPersonToken, http } from '../support/system';
import { eventually } from '../support/tcp-proxy';

/** Addresses captured once each, and addresses captured three times at once, through both APIs. */
const SINGLES = 36;
const REPEATED = 8;
const REPEATS = 3;
const CLIENTS = 8;
/** The shipped routing.yaml's mid-market pool: round-robin over three reps. */
const MID_MARKET = ['george.mensah@example.com', 'hana.sato@example.com', 'ivan.petrov@example.com'];

interface Acknowledged {
  email: string;
  leadId: string;
  journeyId: string;
  location: string;
}

describe.runIf(providers.includes('postgresql'))('two APIs and two workers on one PostgreSQL database', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('when captures are spread over two APIs, then every acknowledged one is one lead with one live journey, both workers ran journeys, and routing takes strict turns', async () => {
    const database = await createTestDatabase('postgresql');
    cleanups.push(() => database.drop());
    const tenant = `t-${randomBytes(4).toString('hex')}`;
    const shared = {
      DATABASE_URL: database.target.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `scale-out-${randomBytes(4).toString('hex')}`,
      LEADFLOW_TENANT: tenant,
      // Separate machines share no data folder, so the secrets they must agree on are set.
      LEADFLOW_LINK_SECRET: randomBytes(32).toString('hex'),
      LEADFLOW_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      LEADFLOW_INTAKE_WAIT: 'accepted',
      LEADFLOW_SMTP_PORT: '0',
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    const start = (command: 'api' | 'worker'): Running & { dataDir: string } => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), `leadflow-scale-${command}-`));
      const running = startLeadflow([command], { ...shared, LEADFLOW_DATA_DIR: dataDir });
      cleanups.push(
        () => rmSync(dataDir, { recursive: true, force: true }),
        () => running.stop(),
      );
      return { ...running, dataDir };
    };
    // All four at once on an empty database, as a fresh installation's process manager starts them.
    const workers = [start('worker'), start('worker')];
    const apis = [start('api'), start('api')];
    const apiUrls = await Promise.all(apis.map(async (api) => (await api.waitFor(/API\s+(http:\/\/\S+)\/api/))[1]!));
    await Promise.all(workers.map((worker) => worker.waitFor(/"msg":"worker running"/)));
    const token = await createPersonToken(database.db, tenant, 'revops@scale-out.io', 'revops');
    const api = (url: string) => http(`${apiUrls[0]}${url}`, { headers: bearer(token) });

    // The chores every process does at start were done once: one admin token (in one API's data
    // folder), and one activation of the rules folder in the history.
    expect(apis.filter((running) => existsSync(path.join(running.dataDir, 'admin-token')))).toHaveLength(1);
    expect(await database.db.apiToken.count({ where: { tenant, personEmail: 'admin@leadflow.local' } })).toBe(1);
    const activations = await api('/api/rules/activations');
    expect(activations.body.activations).toEqual([expect.objectContaining({ previous: null })]);

    const capture = async (email: string, apiUrl: string): Promise<Acknowledged> => {
      const answer = await http(`${apiUrl}/api/leads`, {
        headers: bearer(token),
        body: {
          email,
          firstName: 'Grace',
          company: 'Scale Co',
          title: 'CTO',
          country: 'US',
          source: 'customer-referral',
          // 20 (200–999 employees) + 15 (software) + 20 (c-level) + 5 (US) + 25 (referral) = 85: an MQL,
          // routed to the mid-market pool.
          attributes: { employees: 450, industry: 'software' },
        },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      return {
        email,
        leadId: answer.body.id as string,
        journeyId: answer.body.journeyId as string,
        location: answer.headers.get('location') ?? '',
      };
    };
    const jobs: Array<() => Promise<Acknowledged[]>> = [
      ...Array.from(
        { length: SINGLES },
        (_, i) => () => Promise.all([capture(`single-${i}@scale-out.io`, apiUrls[i % 2]!)]),
      ),
      ...Array.from(
        { length: REPEATED },
        (_, i) => () =>
          Promise.all(Array.from({ length: REPEATS }, (_, r) => capture(`repeat-${i}@scale-out.io`, apiUrls[r % 2]!))),
      ),
    ];
    const acknowledged: Acknowledged[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < jobs.length) acknowledged.push(...(await jobs[next++]!()));
      }),
    );
    expect(acknowledged).toHaveLength(SINGLES + REPEATED * REPEATS);

    // None lost: every acknowledged capture is settled as stored by its journey.
    const pending = () => database.db.intakeSubmission.count({ where: { tenant, state: { not: 'stored' } } });
    expect(await eventually(async () => (await pending()) === 0, 60_000, 500)).toBe(true);
    for (const { location } of acknowledged) expect((await api(location)).body).toMatchObject({ state: 'stored' });

    // None duplicated: one lead per address, whichever API took which repeat, with one live journey
    // that holds every submission of that address.
    const byEmail = new Map<string, Acknowledged[]>();
    for (const capture of acknowledged) byEmail.set(capture.email, [...(byEmail.get(capture.email) ?? []), capture]);
    expect(byEmail.size).toBe(SINGLES + REPEATED);
    for (const [email, captures] of byEmail) {
      expect(new Set(captures.map((capture) => capture.leadId)).size, email).toBe(1);
      const lead = await api(`/api/leads/${captures[0]!.leadId}`);
      expect(lead.status, email).toBe(200);
      expect(lead.body, email).toMatchObject({ email, journey: { status: 'live', submissions: captures.length } });
    }
    const listed = await api('/api/leads?q=scale-out.io&limit=200');
    expect((listed.body.leads as { email: string }[]).map((lead) => lead.email).sort()).toEqual(
      [...byEmail.keys()].sort(),
    );
    const outcomes = await database.db.intakeSubmission.groupBy({ by: ['outcome'], where: { tenant }, _count: true });
    expect(Object.fromEntries(outcomes.map((row) => [row.outcome, row._count]))).toEqual({
      created: SINGLES + REPEATED,
      merged: REPEATED * (REPEATS - 1),
    });

    // Fair: every lead is an MQL of the mid-market pool, whose reps take strict turns (docs/rules.md),
    // so no rep has more than one lead more than another, however the two workers interleaved.
    const owners = async () => {
      const page = await api('/api/leads?q=scale-out.io&limit=200');
      return (page.body.leads as { ownerId: string | null }[]).map((lead) => lead.ownerId);
    };
    expect(await eventually(async () => (await owners()).every((owner) => owner !== null), 30_000, 500)).toBe(true);
    const owned = await owners();
    const counts = MID_MARKET.map((rep) => owned.filter((owner) => owner === rep).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(SINGLES + REPEATED);
    expect(Math.max(...counts) - Math.min(...counts), JSON.stringify(counts)).toBeLessThanOrEqual(1);

    // Both workers worked: Temporal's history names the worker (pid@host) that ran each activity.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });
    const ranActivities = new Map<string, number>();
    for (const captures of byEmail.values()) {
      const history = await temporal.workflow.getHandle(captures[0]!.journeyId).fetchHistory();
      for (const event of history.events ?? []) {
        const identity = event.activityTaskStartedEventAttributes?.identity;
        if (identity) ranActivities.set(identity, (ranActivities.get(identity) ?? 0) + 1);
      }
    }
    const workerIdentities = workers.map((worker) => `${worker.child.pid}@${os.hostname()}`);
    expect([...ranActivities.keys()].sort(), JSON.stringify([...ranActivities])).toEqual(workerIdentities.sort());
    console.info(
      `activities per worker: ${JSON.stringify([...ranActivities])}; leads per rep: ${JSON.stringify(counts)}`,
    );

    // Each stops cleanly on SIGTERM, as under a process manager.
    expect(await Promise.all([...apis, ...workers].map((running) => running.stop()))).toEqual([0, 0, 0, 0]);
  }, 120_000);
});
