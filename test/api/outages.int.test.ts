import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { runApi, runWorker, startMail } from '../../src/cli/services';
import type { Stoppable } from '../../src/cli/stoppable';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRules } from '../../src/cli/rules-runtime';
import { loadConfig } from '../../src/config';
import { createDb } from '../../src/db/client';
import { resolveDatabaseTarget } from '../../src/db/database-target';
import { createLogger } from '../../src/logger';
import { findFreePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { createTestDatabase } from '../support/database';
import { bearer, createPersonToken, http, startTestSystem } from '../support/system';
import { eventually, startTcpProxy } from '../support/tcp-proxy';

const logger = createLogger('silent');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const lead = (email: string) => ({ email, source: 'content' });

describe('when Temporal goes down', () => {
  it('then intake still captures (202, kept in the outbox), loses nothing, and the journey starts when Temporal is back', async () => {
    const port = await findFreePort();
    const start = () =>
      startDevServer({ binary: inject('temporalCliPath'), port, uiPort: null, namespace: 'default', logger });
    let server: DevServer = await start();
    cleanups.push(() => server.stop());
    const system = await startTestSystem('sqlite', { TEMPORAL_ADDRESS: server.address }, { temporalCallAttempts: 5 });
    cleanups.push(() => system.stop());

    const before = await http(`${system.url}/api/leads`, { body: lead('before@outage.io') });
    expect(before.status).toBe(201);

    await server.stop();
    // Even a client that asked to wait for the journey gets the truth: captured, not yet stored.
    const during = await http(`${system.url}/api/leads?wait=stored`, { body: lead('during@outage.io') });
    expect(during.status).toBe(202);
    expect(during.body).toMatchObject({ status: 'accepted', id: expect.stringMatching(/^ld_/) });
    const followUp = during.headers.get('location')!;
    expect(followUp).toBe(`/api/captures/${during.body.submissionId}`);
    expect((await http(`${system.url}${followUp}`)).body).toMatchObject({
      state: 'pending',
      lastError: expect.any(String),
    });

    const health = await http(`${system.url}/health`);
    expect(health.status).toBe(503);
    expect(health.body.checks).toMatchObject({ temporal: { status: 'down' }, database: { status: 'up' } });

    const stored = await http(`${system.url}/api/leads/${before.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ email: 'before@outage.io', journey: { status: 'unavailable' } });
    expect(await system.database.db.lead.count({ where: { email: 'during@outage.io' } })).toBe(0);

    server = await start();
    // Stored by its journey: 201, or 200 when an earlier probe's capture (a 202 while the worker
    // reconnected) created the lead first.
    const recovered = await eventually(
      async () =>
        [200, 201].includes((await http(`${system.url}/api/leads`, { body: lead('after@outage.io') })).status),
      60_000,
    );
    expect(recovered).toBe(true);
    expect((await http(`${system.url}/health`)).status).toBe(200);
    // The capture made during the outage reached its journey: nothing was lost.
    expect(await eventually(async () => (await http(`${system.url}${followUp}`)).body.state === 'stored', 60_000)).toBe(
      true,
    );
    const storedDuring = await http(`${system.url}/api/leads/${during.body.id}`);
    expect(storedDuring.body).toMatchObject({ email: 'during@outage.io', journey: { submissions: 1 } });
  });
});

describe('when the database goes down', () => {
  it('then the API answers 503 with a clear message instead of crashing', async () => {
    const closedPort = await findFreePort();
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: `postgresql://leadflow:secret@127.0.0.1:${closedPort}/leadflow`,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `down-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'silent',
    });
    const db = createDb(config.database);
    const api = await runApi(config, { db, logger, rules: await fakeFreeRules(config) });
    cleanups.push(() => api.stop());

    // Any well-formed token: checking it needs the database, so even authentication answers 503.
    const token = bearer(`lf_${'A'.repeat(43)}`);
    const posted = await http(`${api.url}/api/leads`, { body: lead('nodb@outage.io'), headers: token });
    expect(posted.status).toBe(503);
    expect(posted.body.error).toMatchObject({
      code: 'database_unavailable',
      message: expect.stringContaining('database is unreachable'),
    });
    const read = await http(`${api.url}/api/leads/ld_AAAAAAAAAAAAAAAAAAAAAA`, { headers: token });
    expect(read.status).toBe(503);
    expect(read.body.error.code).toBe('database_unavailable');
    const health = await http(`${api.url}/health`);
    expect(health.status).toBe(503);
    expect(health.body.checks.database.status).toBe('down');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('then PostgreSQL coming back is picked up without a restart', async () => {
    const database = await createTestDatabase('postgresql');
    cleanups.push(() => database.drop());
    const direct = new URL(database.target.url);
    const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    cleanups.push(() => proxy.stop());
    direct.port = String(proxy.port);
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: direct.toString(),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `pgdown-${randomBytes(4).toString('hex')}`,
      LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
      LEADFLOW_SMTP_PORT: '0',
      LEADFLOW_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'leadflow-pgdown-')),
      LOG_LEVEL: 'silent',
    });
    const db = createDb(resolveDatabaseTarget(config.database.url, '/tmp'));
    const parts: Stoppable[] = [];
    cleanups.push(async () => {
      for (const part of parts.reverse()) await part.stop();
      await db.$disconnect();
    });
    const rules = await startRules(config, db, logger, { watch: false });
    parts.push(rules);
    const mail = await startMail(config, logger);
    parts.push(mail);
    parts.push(
      await runWorker(config, { db, registry: rules.registry, mail }, logger, {
        workflowBundle: { codePath: inject('workflowBundlePath') },
      }),
    );
    const api = await runApi(config, { db, logger, rules });
    parts.push(api);
    const token = bearer(await createPersonToken(db, config.tenant, 'revops@pg.io', 'revops'));

    // wait=stored: the answer comes once the journey has stored the lead (201), as this test reads it.
    expect((await http(`${api.url}/api/leads?wait=stored`, { body: lead('up@pg.io'), headers: token })).status).toBe(
      201,
    );
    await proxy.stop();
    const down = await http(`${api.url}/api/leads?wait=stored`, { body: lead('down@pg.io'), headers: token });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('database_unavailable');
    await proxy.start();
    expect(
      await eventually(
        async () =>
          (await http(`${api.url}/api/leads?wait=stored`, { body: lead('back@pg.io'), headers: token })).status === 201,
      ),
    ).toBe(true);
  });
});

/** Rules for an API whose database is unreachable: loaded from the shipped files with watching off. */
async function fakeFreeRules(config: ReturnType<typeof loadConfig>) {
  const { InMemoryRuleVersionStore } = await import('../../src/rules/version-store');
  const { RuleRegistry } = await import('../../src/rules/registry');
  const store = new InMemoryRuleVersionStore();
  const registry = new RuleRegistry({ dir: config.rulesDir, store, logger, watch: false });
  await registry.start();
  return { name: 'rules', registry, store, health: () => ({ status: 'up' as const }), stop: () => registry.stop() };
}
