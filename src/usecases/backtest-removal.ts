/**
 * The end of a backtest job: RevOps deletes one (DELETE /api/rules/backtests/{id}), or it expires
 * a retention period after it finished (LEADFLOW_BACKTEST_RETENTION_DAYS; the API sweeps at start
 * and every hour). Its BacktestChange rows go with it (cascade). Deleting a running job cancels it:
 * the run stops at its next progress beat (src/usecases/backtest-jobs.ts). Both are audited.
 */
import { recordAudit } from '../db/audit-trail';
import type { Db } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { STALE_MS } from './backtest-jobs';

/** Jobs deleted per statement by the sweep. */
const SWEEP_BATCH = 200;

export interface DeletedBacktest {
  id: string;
  /** Whether it was still running (and so was cancelled). */
  cancelled: boolean;
}

/** Deletes a job of the actor's tenant (cancelling it if it runs), audited; `not_found` for none or another tenant's. */
export async function deleteBacktestJob(
  deps: { db: Db; now?: () => Date },
  actor: { tenant: string; email: string },
  id: string,
): Promise<DeletedBacktest> {
  const now = (deps.now ?? (() => new Date()))();
  const row = await deps.db.backtestJob.findFirst({
    where: { id, tenant: actor.tenant },
    select: {
      status: true,
      heartbeatAt: true,
      candidateVersion: true,
      activeVersion: true,
      createdAt: true,
      requestedBy: true,
    },
  });
  if (!row) throw new LeadflowError('not_found', `No backtest ${id}.`);
  // Two deletes at once: the second finds nothing left to delete, as if it had never been there.
  const deleted = await deps.db.backtestJob.deleteMany({ where: { id, tenant: actor.tenant } });
  if (deleted.count === 0) throw new LeadflowError('not_found', `No backtest ${id}.`);
  const cancelled = row.status === 'running' && now.getTime() - row.heartbeatAt.getTime() <= STALE_MS;
  await recordAudit(deps.db, {
    tenant: actor.tenant,
    subjectType: 'rules',
    subjectId: row.candidateVersion,
    action: 'rules.backtest.deleted',
    actor: actor.email,
    details: {
      backtestId: id,
      cancelled,
      status: row.status,
      activeVersion: row.activeVersion,
      requestedBy: row.requestedBy,
      createdAt: row.createdAt.toISOString(),
    },
    occurredAt: now,
    idempotencyKey: `rules.backtest.deleted:${id}`,
  });
  return { id, cancelled };
}

/**
 * Deletes every job (of any tenant) that finished more than `retentionDays` before `now`, and
 * every running one whose process stopped beating that long ago; each audited as expired by
 * `system`. Resolves to how many went. A retention of 0 keeps everything.
 */
export async function sweepExpiredBacktests(db: Db, retentionDays: number, now: Date = new Date()): Promise<number> {
  if (retentionDays <= 0) return 0;
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let swept = 0;
  for (;;) {
    const expired = await db.backtestJob.findMany({
      where: {
        OR: [
          { status: { in: ['done', 'failed'] }, finishedAt: { lt: cutoff } },
          { status: 'running', heartbeatAt: { lt: cutoff } },
        ],
      },
      select: { id: true, tenant: true, status: true, candidateVersion: true, finishedAt: true, heartbeatAt: true },
      take: SWEEP_BATCH,
    });
    if (expired.length === 0) return swept;
    await db.backtestJob.deleteMany({ where: { id: { in: expired.map((job) => job.id) } } });
    for (const job of expired)
      await recordAudit(db, {
        tenant: job.tenant,
        subjectType: 'rules',
        subjectId: job.candidateVersion,
        action: 'rules.backtest.expired',
        actor: 'system',
        reason: `finished more than ${retentionDays} days ago (LEADFLOW_BACKTEST_RETENTION_DAYS)`,
        details: {
          backtestId: job.id,
          status: job.status,
          finishedAt: (job.finishedAt ?? job.heartbeatAt).toISOString(),
        },
        occurredAt: now,
        idempotencyKey: `rules.backtest.expired:${job.id}`,
      });
    swept += expired.length;
  }
}

/**
 * Sweeps at once and then every `everyMs` until the returned stop is called (which waits for a
 * sweep in flight); a failed sweep is logged and tried again at the next turn.
 */
export function expireBacktestsPeriodically(
  db: Db,
  retentionDays: number,
  log: { info: (fields: object, message: string) => void; error: (fields: object, message: string) => void },
  everyMs = 3_600_000,
): () => Promise<void> {
  if (retentionDays <= 0) return () => Promise.resolve();
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = sweepExpiredBacktests(db, retentionDays).then(
      (swept) => {
        if (swept > 0) log.info({ swept, retentionDays }, 'expired backtests deleted');
      },
      (error: unknown) => log.error({ err: error }, 'the backtest expiry sweep failed'),
    );
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
