/**
 * GET /metrics on the real system: a lead is captured, submitted again, visits the pricing page and
 * misses its first-touch SLA on the shared dev server; the scrapes before and after show each
 * counter moved by exactly what happened (checked against the rows the journey wrote), the state
 * gauges agree with the database, only a token with the `metrics` scope of the installation's
 * tenant may read it, and `promtool check metrics` (Debian's `prometheus` package) accepts it.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from 'yaml';
import { issueIntegrationToken } from '../../src/auth/tokens';
import { runApi } from '../../src/cli/services';
import { startRules } from '../../src/cli/rules-runtime';
import { createLogger } from '../../src/logger';
import { journeyState } from '../../workflows/messages';
import { providers } from '../support/database';
import { fastJourneyRules, rulesFixture } from '../support/rules-fixture';
import { bearer, createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { grew, scrape, seriesKey, seriesOf, type Samples } from './exposition';

/** The first-touch SLA runs 8 s (long enough to scrape it running), then escalates a step a second. */
const rules = {
  ...fastJourneyRules,
  escalation: (doc: Document) => {
    fastJourneyRules.escalation(doc);
    doc.setIn(['slas', 0, 'within'], '8 seconds');
    const steps = doc.getIn(['slas', 0, 'onBreach']) as { items: unknown[] };
    steps.items.forEach((_, index) => {
      if (index > 0) doc.setIn(['slas', 0, 'onBreach', index, 'after'], '1 second');
    });
  },
};

const profile = {
  email: 'ada@metrics.io',
  firstName: 'Ada',
  company: 'Analytical Engines',
  title: 'VP Sales',
  source: 'events',
  attributes: { employees: 1200, region: 'north-america', industry: 'software' },
};

/** promtool is required in CI (.ci/run installs it); elsewhere a missing one skips that test, saying so. */
const promtoolFound = spawnSync('promtool', ['--version']).error === undefined;
const runPromtool = promtoolFound || Boolean(process.env.CI);
if (!runPromtool)
  console.warn('promtool not found: the `promtool check metrics` test is skipped (apt-get install prometheus).');

describe.each(providers)('operations metrics on %s', (provider) => {
  let system: TestSystem;
  let scraper: string;
  let leadId: string;
  let afterFlow: { text: string; samples: Samples };
  const rulesDir = rulesFixture(rules);
  const metricsUrl = () => `${system.url}/metrics`;

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir });
    const issued = await issueIntegrationToken(system.database.db, {
      tenant: system.config.tenant,
      name: 'prometheus',
      label: 'scraper',
      scopes: ['metrics'],
      by: { system: 'cli' },
      now: new Date(),
    });
    scraper = issued.token;
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it('when a lead is captured twice, visits the pricing page and misses its SLA, then every counter moved by exactly that', async () => {
    const db = system.database.db;
    const before = (await scrape(metricsUrl(), scraper)).samples;

    const created = await http(`${system.url}/api/leads`, { body: profile });
    expect(created.status).toBe(201);
    leadId = created.body.id;
    expect((await http(`${system.url}/api/leads`, { body: { ...profile, title: 'CRO' } })).status).toBe(200);
    const visit = await http(`${system.url}/api/leads/${leadId}/events`, { body: { type: 'pricing-page-visit' } });
    expect(visit.body).toMatchObject({ stage: 'mql' });

    // While the SLA runs (8 s), the gauge reads it from the database.
    const running = (await scrape(metricsUrl(), scraper)).samples;
    expect(running.get('leadflow_slas_running')).toBe(1);
    expect(await db.lead.count({ where: { slaStatus: 'running' } })).toBe(1);

    // The SLA's four steps run a second apart; the last one is counted after its effects.
    const levelFour = { sla: 'mql-first-touch', level: '4', action: 'move-to-queue' };
    const settled = await eventually(async () => {
      const now = (await scrape(metricsUrl(), scraper)).samples;
      const unsent = await db.outboundEmail.count({ where: { status: { in: ['sending', 'pending'] } } });
      return grew(before, now, 'leadflow_sla_breaches_total', levelFour) === 1 && unsent === 0;
    }, 60_000);
    expect(settled).toBe(true);
    const journey = await system.temporal.workflow.getHandle(created.body.journeyId).query(journeyState);
    expect(journey.sla?.escalations).toEqual(['remind-owner', 'reassign', 'notify-manager', 'move-to-queue']);
    afterFlow = await scrape(metricsUrl(), scraper);
    const after = afterFlow.samples;

    // Intake: one created, one merged, each timed; the HTTP histogram by route template.
    expect(grew(before, after, 'leadflow_intakes_total', { source: 'events', outcome: 'created' })).toBe(1);
    expect(grew(before, after, 'leadflow_intakes_total', { source: 'events', outcome: 'merged' })).toBe(1);
    expect(grew(before, after, 'leadflow_intake_duration_seconds_count', { outcome: 'created' })).toBe(1);
    expect(grew(before, after, 'leadflow_intake_duration_seconds_count', { outcome: 'merged' })).toBe(1);
    const http2xx = (route: string) =>
      grew(before, after, 'leadflow_http_request_duration_seconds_count', {
        method: 'POST',
        route,
        status_class: '2xx',
      });
    expect(http2xx('/api/leads')).toBe(2);
    expect(http2xx('/api/leads/{id}/events')).toBe(1);

    // SLA: one breach, each escalation level once.
    const levels = ['remind-owner', 'reassign', 'notify-manager', 'move-to-queue'].map((action, index) =>
      grew(before, after, 'leadflow_sla_breaches_total', {
        sla: 'mql-first-touch',
        level: String(index + 1),
        action,
      }),
    );
    expect(levels).toEqual([1, 1, 1, 1]);

    // Rule evaluations: one per decision the journey stored, by kind, all with the active version.
    const version = (await http(`${system.url}/api/rules`)).body.activeVersion as string;
    const decisions = await db.decision.groupBy({ by: ['kind'], where: { leadId }, _count: { _all: true } });
    expect(decisions.map((row) => row.kind)).toEqual(expect.arrayContaining(['scoring', 'routing', 'sla']));
    for (const row of decisions)
      expect(grew(before, after, 'leadflow_rule_evaluations_total', { kind: row.kind, version }), row.kind).toBe(
        row._count._all,
      );
    // A delta: the registry is per process, and the SQLite and PostgreSQL runs share one.
    const total = (samples: typeof after) =>
      seriesOf(samples, 'leadflow_rule_evaluations_total').reduce((sum, s) => sum + s.value, 0);
    const evaluated = total(after) - total(before);
    expect(evaluated).toBe(decisions.reduce((sum, row) => sum + row._count._all, 0));

    // Emails: one count per row the outbox sent (the cadence email, the owner's and manager's notices).
    const emails = await db.outboundEmail.findMany({ select: { template: true, status: true } });
    expect(emails.length).toBeGreaterThanOrEqual(3);
    const expected = new Map<string, number>();
    for (const email of emails) {
      const key = seriesKey('leadflow_emails_total', {
        kind: email.template ? 'marketing' : 'internal',
        template: email.template ?? 'none',
        status: email.status,
      });
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const counted = new Map(
      seriesOf(after, 'leadflow_emails_total').map(({ labels, value }) => [
        seriesKey('leadflow_emails_total', labels),
        value - (before.get(seriesKey('leadflow_emails_total', labels)) ?? 0),
      ]),
    );
    expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(expected));

    // State gauges, read from the database: the lead is an MQL in the queue, its SLA no longer runs.
    expect(after.get('leadflow_state_up')).toBe(1);
    expect(after.get(seriesKey('leadflow_journeys', { journey: 'lead', stage: 'mql' }))).toBe(1);
    expect(after.get(seriesKey('leadflow_journeys', { journey: 'lead', stage: 'new' }))).toBe(0);
    expect(after.get(seriesKey('leadflow_journeys', { journey: 'deal', stage: 'closed-won' }))).toBe(0);
    expect(after.get('leadflow_slas_running')).toBe(0);
    expect(after.get(seriesKey('leadflow_outbox_backlog', { status: 'sending' }))).toBe(0);
    expect(after.get(seriesKey('leadflow_approvals_waiting', { tier: 'manager-authority' }))).toBe(0);
    expect(after.get('process_start_time_seconds')).toBeGreaterThan(0);
  });

  it('when the API restarts on the same database, then the state gauges read the same figures at once', async () => {
    const logger = createLogger('silent');
    const rulesRuntime = await startRules(system.config, system.database.db, logger, { watch: false });
    const restarted = await runApi(system.config, { db: system.database.db, rules: rulesRuntime, logger });
    try {
      const fresh = (await scrape(`${restarted.url}/metrics`, scraper)).samples;
      for (const name of ['leadflow_journeys', 'leadflow_slas_running', 'leadflow_approvals_waiting'])
        expect(seriesOf(fresh, name), name).toEqual(seriesOf(afterFlow.samples, name));
    } finally {
      await restarted.stop();
      await rulesRuntime.stop();
    }
  });

  it('when callers without the metrics scope or of another tenant ask, then they are refused, and the text names no lead or person', async () => {
    const anonymous = await fetch(metricsUrl());
    expect(anonymous.status).toBe(401);
    const rep = await system.personToken('erik.lund@example.com', 'rep');
    const asRep = await http(metricsUrl(), { headers: bearer(rep) });
    expect(asRep.status).toBe(403);
    expect(asRep.body.error.message).toContain('needs a token with the metrics scope');
    const other = await createPersonToken(system.database.db, 'metrics-other', 'olga@other.example', 'revops');
    const asOther = await http(metricsUrl(), { headers: bearer(other) });
    expect(asOther.status).toBe(403);
    expect(asOther.body.error.message).toContain("only tokens of the installation's own tenant");

    // The scraper's token reads the metrics and nothing else.
    const scraped = await fetch(metricsUrl(), { headers: bearer(scraper) });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await http(`${system.url}/api/leads`, { headers: bearer(scraper) })).status).toBe(403);
    const text = await scraped.text();
    for (const secret of [leadId, profile.email, '@example.com', system.config.tenant])
      expect(text.includes(secret), secret).toBe(false);
  });

  it.runIf(runPromtool)('when promtool checks the scraped text, then it reports no problem', () => {
    expect(
      promtoolFound,
      'promtool is missing: install Debian\'s "prometheus" package (apt-get install -y prometheus)',
    ).toBe(true);
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: afterFlow.text, encoding: 'utf8' });
    expect({ status: checked.status, output: `${checked.stdout}${checked.stderr}` }).toEqual({ status: 0, output: '' });
  });
});
