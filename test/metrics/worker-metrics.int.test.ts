/**
 * With the API and the worker in separate processes, each counts what it does: a real
 * `leadflow worker` process with LEADFLOW_WORKER_METRICS_PORT serves its activities' counters on
 * its own GET /metrics (with the same token check as the API), and the API's /metrics has the
 * intake but none of the worker's rule evaluations.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startRules } from '../../src/cli/rules-runtime';
import { runApi } from '../../src/cli/services';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from '../support/database';
import { startLeadflow } from '../support/leadflow-process';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { bearer, createPersonToken, http } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { grew, scrape, seriesKey, seriesOf } from './exposition';

describe('metrics of a separate worker process', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("when a lead runs on a `leadflow worker` process, then its evaluations are on the worker's /metrics and its intake on the API's", async () => {
    const logger = createLogger('silent');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-worker-metrics-'));
    const rulesDir = rulesFixture(fastJourneyRules);
    cleanups.push(
      () => rmSync(dataDir, { recursive: true, force: true }),
      () => rmSync(rulesDir, { recursive: true, force: true }),
    );
    const database = await createTestDatabase('sqlite');
    cleanups.push(() => database.drop());
    const env = {
      DATABASE_URL: database.target.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `worker-metrics-${randomBytes(4).toString('hex')}`,
      LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
      LEADFLOW_RULES_DIR: rulesDir,
      LEADFLOW_DATA_DIR: dataDir,
      LEADFLOW_SMTP_PORT: '0',
      LEADFLOW_WORKER_METRICS_PORT: '0',
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    const config = loadConfig(env);
    const rules = await startRules(config, database.db, logger, { watch: false });
    const api = await runApi(config, { db: database.db, rules, logger });
    cleanups.push(
      () => api.stop(),
      () => rules.stop(),
    );
    const revops = await createPersonToken(database.db, config.tenant, 'revops@metrics.io', 'revops');

    const worker = startLeadflow(['worker'], env);
    cleanups.push(() => worker.stop());
    const [, workerMetrics] = await worker.waitFor(/"url":"(http:\/\/[^"]+\/metrics)"/);
    await worker.waitFor(/"msg":"worker running"/);

    const lead = await http(`${api.url}/api/leads?wait=stored`, {
      headers: bearer(revops),
      body: {
        email: 'ada@worker.io',
        firstName: 'Ada',
        company: 'Engines',
        title: 'CTO',
        source: 'partner-referral',
        attributes: { employees: 1500, region: 'north-america', industry: 'software' },
      },
    });
    expect(lead.status).toBe(201);

    // The worker's count converges on the decisions stored (its SLA escalates a few seconds more).
    const evaluatedOnWorker = async () =>
      seriesOf((await scrape(workerMetrics!, revops)).samples, 'leadflow_rule_evaluations_total').reduce(
        (sum, series) => sum + series.value,
        0,
      );
    const stored = () => database.db.decision.count({ where: { leadId: lead.body.id } });
    expect(await eventually(async () => (await stored()) > 0 && (await evaluatedOnWorker()) === (await stored()))).toBe(
      true,
    );

    const onWorker = (await scrape(workerMetrics!, revops)).samples;
    expect(seriesOf(onWorker, 'leadflow_intakes_total')).toEqual([]);
    expect(seriesOf(onWorker, 'leadflow_journeys')).toEqual([]); // the API reports the database's state, once
    expect(onWorker.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    const onApi = (await scrape(`${api.url}/metrics`, revops)).samples;
    expect(seriesOf(onApi, 'leadflow_rule_evaluations_total')).toEqual([]);
    expect(grew(new Map(), onApi, 'leadflow_intakes_total', { source: 'partner-referral', outcome: 'created' })).toBe(
      1,
    );
    const { stage } = await database.db.lead.findUniqueOrThrow({ where: { id: lead.body.id } });
    expect(onApi.get(seriesKey('leadflow_journeys', { journey: 'lead', stage }))).toBe(1);

    // The same access rule as the API's: a token with the metrics scope, of the installation's tenant.
    expect((await fetch(workerMetrics!)).status).toBe(401);
    const rep = await createPersonToken(database.db, config.tenant, 'erik.lund@example.com', 'rep');
    expect((await fetch(workerMetrics!, { headers: bearer(rep) })).status).toBe(403);
    expect((await fetch(workerMetrics!.replace(/\/metrics$/, '/api/leads'), { headers: bearer(revops) })).status).toBe(
      404,
    );

    expect(await worker.stop()).toBe(0);
  });
});
