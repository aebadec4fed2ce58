/**
 * The gauges that describe what the database holds now: journeys by stage, SLAs running, the
 * email outbox's backlog, approvals waiting and the intake outbox. They are read from the database at each scrape
 * with a few grouped counts, rather than kept up to date by activities: the database is the record,
 * so the figures are right after any restart, with any number of workers, and whoever changed the
 * rows (a worker, the API, a migration, a person with SQL). The cost was measured: see
 * docs/operations.md ("Metrics"). Every API process reports the same figures; aggregate them with
 * max(), not sum(). Figures span every tenant of the installation.
 */
import { Gauge, Registry } from 'prom-client';
import type { Db } from '../db/client';
import { LEAD_STAGES } from '../domain/lead';
import { DEAL_STAGES } from '../rules/facts';

/** Outbox rows not settled yet: `sending` (in flight, or its attempt died) and `pending` (to be retried). */
const BACKLOG_STATUSES = ['sending', 'pending'] as const;
/** Intake outbox rows that did not reach their journey: still `pending`, or `failed` for good. */
const INTAKE_UNSETTLED = ['pending', 'failed'] as const;

export interface StateSources {
  db: Db;
  /** Approval tiers whose chain has approvers (from the active approvals.yaml), reported at 0 when none waits. */
  approvalTiers?: () => readonly string[];
  /** The clock for the oldest pending capture's age (tests). */
  now?: () => Date;
}

interface StateFigures {
  journeys: { journey: 'lead' | 'deal'; stage: string; count: number }[];
  slasRunning: number;
  backlog: Record<string, number>;
  approvalsWaiting: Record<string, number>;
  intake: Record<string, number>;
  oldestPendingSeconds: number;
}

/**
 * A registry holding the state gauges, freshly read from the database. When the database cannot
 * be read, `leadflow_state_up` is 0 and the other gauges are absent (never stale figures).
 */
export async function readStateMetrics(sources: StateSources): Promise<Registry> {
  const registry = new Registry();
  const up = gauge(
    registry,
    'leadflow_state_up',
    'Whether this scrape could read the state gauges from the database (1) or not (0: they are absent).',
    [],
  );
  let figures: StateFigures;
  try {
    figures = await readFigures(sources);
  } catch {
    up.set(0);
    return registry;
  }
  up.set(1);
  const journeys = gauge(
    registry,
    'leadflow_journeys',
    'Lead and deal journeys by their current stage (closed and disqualified ones included).',
    ['journey', 'stage'],
  );
  for (const { journey, stage, count } of figures.journeys) journeys.set({ journey, stage }, count);
  gauge(
    registry,
    'leadflow_slas_running',
    'First-touch SLAs running: assigned MQLs whose owner has not touched them yet and whose SLA is not breached.',
    [],
  ).set(figures.slasRunning);
  const backlog = gauge(
    registry,
    'leadflow_outbox_backlog',
    'Emails in the outbox not settled yet, by status: sending (in flight, or its attempt died) or pending (to be retried).',
    ['status'],
  );
  for (const [status, count] of Object.entries(figures.backlog)) backlog.set({ status }, count);
  const waiting = gauge(
    registry,
    'leadflow_approvals_waiting',
    'Discount approval requests waiting for a decision, by approvals.yaml tier.',
    ['tier'],
  );
  for (const [tier, count] of Object.entries(figures.approvalsWaiting)) waiting.set({ tier }, count);
  const intake = gauge(
    registry,
    'leadflow_intake_outbox',
    'Captures in the intake outbox not handed to their journey: pending (waiting or being retried) or failed (refused by the journey for good; see GET /api/captures/{id}).',
    ['state'],
  );
  for (const [state, count] of Object.entries(figures.intake)) intake.set({ state }, count);
  gauge(
    registry,
    'leadflow_intake_oldest_pending_seconds',
    'Age of the oldest capture still waiting for its journey (0 when none waits): alert when it keeps growing.',
    [],
  ).set(figures.oldestPendingSeconds);
  return registry;
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

/**
 * Four grouped counts and a count, each answered from an index (leads and deals by tenant and
 * stage, so a covering index is scanned rather than the tables); every known stage and status is
 * reported, at 0 when nothing is in it.
 */
async function readFigures(sources: StateSources): Promise<StateFigures> {
  const { db } = sources;
  const [leads, slasRunning, deals, outbox, approvals, intake, oldestPending] = await Promise.all([
    db.lead.groupBy({ by: ['tenant', 'stage'], _count: { _all: true } }),
    db.lead.count({ where: { slaStatus: 'running' } }),
    db.deal.groupBy({ by: ['tenant', 'stage'], _count: { _all: true } }),
    db.outboundEmail.groupBy({
      by: ['status'],
      where: { status: { in: [...BACKLOG_STATUSES] } },
      _count: { _all: true },
    }),
    db.approvalRequest.groupBy({ by: ['tier'], where: { status: 'pending' }, _count: { _all: true } }),
    db.intakeSubmission.groupBy({
      by: ['state'],
      where: { state: { in: [...INTAKE_UNSETTLED] } },
      _count: { _all: true },
    }),
    db.intakeSubmission.findFirst({
      where: { state: 'pending' },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
    }),
  ]);
  const leadStages = zeros(LEAD_STAGES);
  for (const row of leads) leadStages[row.stage] = (leadStages[row.stage] ?? 0) + row._count._all;
  const dealStages = zeros(DEAL_STAGES);
  for (const row of deals) dealStages[row.stage] = (dealStages[row.stage] ?? 0) + row._count._all;
  const backlog = zeros(BACKLOG_STATUSES);
  for (const row of outbox) backlog[row.status] = row._count._all;
  const approvalsWaiting = zeros(sources.approvalTiers?.() ?? []);
  for (const row of approvals) approvalsWaiting[row.tier] = row._count._all;
  const intakeStates = zeros(INTAKE_UNSETTLED);
  for (const row of intake) intakeStates[row.state] = row._count._all;
  const now = (sources.now ?? (() => new Date()))();
  return {
    journeys: [
      ...Object.entries(leadStages).map(([stage, count]) => ({ journey: 'lead' as const, stage, count })),
      ...Object.entries(dealStages).map(([stage, count]) => ({ journey: 'deal' as const, stage, count })),
    ],
    slasRunning,
    backlog,
    approvalsWaiting,
    intake: intakeStates,
    oldestPendingSeconds: oldestPending
      ? Math.max(0, Math.round((now.getTime() - oldestPending.createdAt.getTime()) / 1000))
      : 0,
  };
}

function zeros(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((key) => [key, 0]));
}
