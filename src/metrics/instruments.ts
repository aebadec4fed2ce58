/**
 * The operations metrics this process counts as it works (Prometheus, through prom-client): lead
 * intake, HTTP requests, emails, rule evaluations and SLA escalations. They live in one registry
 * per process, so a `leadflow worker` counts what its activities did and a `leadflow api` what its
 * requests did; `leadflow start` is one process, so its registry holds both. Every label has a
 * bounded set of values (an enum, a rule-file name, a route template): never a lead id or email.
 * The gauges read from the database on each scrape are in ./state.ts; docs/operations.md
 * ("Metrics") lists every metric.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** This process's registry: the counters and histograms below, and the process metrics once enabled. */
export const processMetrics = new Registry();

let processMetricsEnabled = false;

/**
 * prom-client's gauges named like counters (`promtool check metrics`: "non-counter metrics should
 * not have "_total" suffix"; prometheus/client_js#283). Each is the sum of a gauge that stays, e.g.
 * `sum without (type) (nodejs_active_handles)`.
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Adds prom-client's default process metrics (CPU, memory, event-loop lag, GC, handles) to the
 * registry; idempotent, so the API and the worker of one `leadflow start` may both call it.
 */
export function enableProcessMetrics(): void {
  if (processMetricsEnabled) return;
  processMetricsEnabled = true;
  collectDefaultMetrics({ register: processMetrics });
  for (const name of MISNAMED_DEFAULTS) processMetrics.removeSingleMetric(name);
}

/** What intake did with a submission. */
export type IntakeOutcome = 'created' | 'merged' | 'accepted' | 'refused';

const intakes = new Counter({
  name: 'leadflow_intakes_total',
  help: 'Lead submissions handled by intake (POST /api/leads and the form webhook), by lead source and outcome: created, merged (into a known lead), accepted (held by the journey but not stored within the wait; the retry is counted again) or refused (not captured).',
  labelNames: ['source', 'outcome'] as const,
  registers: [processMetrics],
});

const intakeDuration = new Histogram({
  name: 'leadflow_intake_duration_seconds',
  help: 'Time to capture one lead submission, from the validated request to its answer, by outcome.',
  labelNames: ['outcome'] as const,
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
  registers: [processMetrics],
});

/** Counts one submission that intake handled, and how long it took. */
export function recordIntake(source: string, outcome: IntakeOutcome, seconds: number): void {
  intakes.inc({ source, outcome });
  intakeDuration.observe({ outcome }, seconds);
}

const httpDuration = new Histogram({
  name: 'leadflow_http_request_duration_seconds',
  help: 'HTTP requests to the API by method, route template (as in the OpenAPI document, e.g. /api/leads/{id}; "unmatched" for paths it does not name) and status class (2xx, 4xx, …).',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
  registers: [processMetrics],
});

/** Counts one answered HTTP request. `route` is a template, never a raw path. */
export function recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
  httpDuration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
}

/** The outcome of one attempt to send an email (see activities/email.ts). */
export type EmailOutcome = 'sent' | 'failed' | 'deferred' | 'unknown' | 'suppressed';

const emails = new Counter({
  name: 'leadflow_emails_total',
  help: 'Emails the outbox tried to send, by kind (marketing, transactional, internal), cadences.yaml template ("none" for notifications) and status: sent, failed (refused by the server), deferred (server unavailable; retried), unknown (interrupted mid-send; not resent) or suppressed (unsubscribed address).',
  labelNames: ['kind', 'template', 'status'] as const,
  registers: [processMetrics],
});

/** Counts one send attempt of the outbox. */
export function recordEmail(kind: string, template: string | undefined, status: EmailOutcome): void {
  emails.inc({ kind, template: template ?? 'none', status });
}

const ruleEvaluations = new Counter({
  name: 'leadflow_rule_evaluations_total',
  help: 'Rule decisions evaluated (not replayed from the store), by decision kind and ruleset version (the content hash; the 8 most recently used versions keep their series).',
  labelNames: ['kind', 'version'] as const,
  registers: [processMetrics],
});

const ruleEvaluationDuration = new Histogram({
  name: 'leadflow_rule_evaluation_duration_seconds',
  help: 'Time to evaluate one rule decision against a compiled ruleset, by decision kind.',
  labelNames: ['kind'] as const,
  buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  registers: [processMetrics],
});

/**
 * Ruleset versions with series in `leadflow_rule_evaluations_total`. Every rules edit makes a new
 * version, so a long-running process would grow a series per edit; beyond this many, the series of
 * the least recently used version are dropped (its counts restart from 0 if it is used again).
 */
export const RULE_VERSIONS_KEPT = 8;
const versionKinds = new Map<string, Set<string>>();

/** Counts one evaluated rule decision and how long the evaluation took. */
export function recordRuleEvaluation(kind: string, version: string, seconds: number): void {
  const kinds = versionKinds.get(version) ?? new Set<string>();
  versionKinds.delete(version); // re-inserted last: the Map's order is least recently used first
  versionKinds.set(version, kinds.add(kind));
  for (const [oldest, oldKinds] of versionKinds) {
    if (versionKinds.size <= RULE_VERSIONS_KEPT) break;
    for (const old of oldKinds) ruleEvaluations.remove({ kind: old, version: oldest });
    versionKinds.delete(oldest);
  }
  ruleEvaluations.inc({ kind, version });
  ruleEvaluationDuration.observe({ kind }, seconds);
}

const slaBreaches = new Counter({
  name: 'leadflow_sla_breaches_total',
  help: 'Escalation steps run because an SLA was missed (escalation.yaml onBreach), by escalation level (1: the first step, run when the SLA is breached, so level 1 counts breaches) and action.',
  labelNames: ['sla', 'level', 'action'] as const,
  registers: [processMetrics],
});

/** Counts one escalation step of a missed SLA; `level` is 1-based. */
export function recordSlaBreach(sla: string, level: number, action: string): void {
  slaBreaches.inc({ sla, level: String(level), action });
}

/** Seconds since `startedAt` (a `performance.now()` reading), for the histograms above. */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
