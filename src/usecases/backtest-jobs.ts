/**
 * Backtests as jobs, for the API: a request is checked (the candidate validates, the range holds
 * history) and stored at once, then runs in this process while its progress and, at the end, its
 * report are written to its row. Each decision it changes is written to the BacktestChange table
 * as it runs (src/usecases/backtest-changes.ts); the report keeps the counts and the first few. A
 * job whose process stopped before it finished stops beating its heartbeat, and reads as failed
 * with the reason. Deleting a running job (src/usecases/backtest-removal.ts) cancels it: the run
 * notices its row is gone at its next progress beat (or write) and stops without a trace.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Prisma } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { loadRulesetFromTexts } from '../rules/load';
import type { Ruleset } from '../rules/ruleset';
import { BACKTEST_KINDS, type BacktestKind, type BacktestReport } from '../rules/backtest/tally';
import { formatDiagnostic } from '../rules/types';
import { countHistory, emptyRangeMessage, runBacktest, type BacktestInput } from './backtest';
import { BacktestChangeWriter, CHANGE_SAMPLE, withStoredChanges } from './backtest-changes';

/** A running job writes its progress (and heartbeat) at most this often. */
const BEAT_MS = 1_000;
/** A running job silent for this long was stopped with its process. */
export const STALE_MS = 60_000;

export interface BacktestRequest {
  files: Record<string, string>;
  since: Date | null;
  until: Date | null;
  kinds: BacktestKind[];
}

export interface BacktestJobView {
  id: string;
  status: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  activeVersion: string;
  candidateVersion: string;
  kinds: BacktestKind[];
  since: string | null;
  until: string | null;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  report: BacktestReport | null;
}

export interface BacktestJobDeps {
  db: Db;
  active: () => Ruleset;
  now?: () => Date;
  /** Where a job that fails unexpectedly is logged. */
  onError?: (error: unknown, jobId: string) => void;
}

/**
 * Validates the candidate exactly as `rules check` does (each problem as `file:line:col` in
 * `fields`), refuses a range with nothing to replay, stores the job and starts it. Resolves once
 * the job is stored, with its view; `finished` settles when the job does (tests wait on it).
 */
export async function startBacktestJob(
  deps: BacktestJobDeps,
  actor: { tenant: string; email: string },
  request: BacktestRequest,
): Promise<{ job: BacktestJobView; finished: Promise<void> }> {
  const loaded = loadRulesetFromTexts(request.files, { displayDir: 'candidate' });
  if (!loaded.ok) {
    const fields = loaded.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({
        path: `files.${d.file.replace(/^candidate\//, '')}`,
        message: formatDiagnostic(d),
        unprocessable: true as const,
      }));
    throw new LeadflowError(
      'unprocessable',
      `The candidate rules do not validate (${fields.length} problem${fields.length === 1 ? '' : 's'}); see fields.`,
      { details: fields },
    );
  }
  const input: BacktestInput = {
    tenant: actor.tenant,
    active: deps.active(),
    candidate: loaded.ruleset,
    since: request.since,
    until: request.until,
    kinds: request.kinds,
  };
  const total = await countHistory(deps.db, input);
  if (total === 0)
    throw new LeadflowError('unprocessable', `${emptyRangeMessage(input)}.`, {
      details: [{ path: 'since', message: emptyRangeMessage(input), unprocessable: true }],
    });
  const row = await storeJob(deps, actor, request.files, input, total);
  const finished = runJob(deps, row.id, input).then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof BacktestCancelledError)) deps.onError?.(error, row.id);
    },
  );
  return { job: viewOf(row), finished };
}

/**
 * Runs a backtest as a job in this process and resolves when it is done (the CLI): the same rows
 * as an API job, so the full list of changes can be read back from the table. A range with
 * nothing to replay is refused (`not_found`) before any row is stored.
 */
export async function runBacktestJob(
  deps: BacktestJobDeps & {
    onProgress?: (progress: { done: number; total: number }) => void | Promise<void>;
    /** Hears the job's id once its row is stored (before it runs, and so before it can fail). */
    onStored?: (id: string) => void;
  },
  actor: { tenant: string; email: string },
  files: Record<string, string>,
  input: BacktestInput,
): Promise<{ id: string; report: BacktestReport }> {
  const total = await countHistory(deps.db, input);
  if (total === 0) throw new LeadflowError('not_found', emptyRangeMessage(input));
  const row = await storeJob(deps, actor, files, input, total);
  deps.onStored?.(row.id);
  const report = await runJob(deps, row.id, input, deps.onProgress);
  return { id: row.id, report };
}

async function storeJob(
  deps: BacktestJobDeps,
  actor: { tenant: string; email: string },
  files: Record<string, string>,
  input: BacktestInput,
  total: number,
): Promise<JobRow> {
  const now = deps.now ?? (() => new Date());
  return deps.db.backtestJob.create({
    data: {
      id: `bt_${randomUUID()}`,
      tenant: actor.tenant,
      status: 'running',
      requestedBy: actor.email,
      candidate: files,
      candidateVersion: input.candidate.version,
      activeVersion: input.active.version,
      kinds: input.kinds.join(','),
      since: input.since,
      until: input.until,
      total,
      createdAt: now(),
      heartbeatAt: now(),
    },
  });
}

/** The job's row was deleted while it ran (DELETE /api/rules/backtests/{id}): the run stopped. */
export class BacktestCancelledError extends LeadflowError {
  constructor(id: string) {
    super('conflict', `Backtest ${id} was deleted while it ran; it stopped.`);
  }
}

/**
 * Runs the job, storing its changes as they come; resolves to the report with each kind's sample.
 * Rejects with BacktestCancelledError once its row is gone (deleted), leaving no change behind.
 */
async function runJob(
  deps: BacktestJobDeps,
  id: string,
  input: BacktestInput,
  onProgress?: (progress: { done: number; total: number }) => void | Promise<void>,
): Promise<BacktestReport> {
  const now = deps.now ?? (() => new Date());
  const writer = new BacktestChangeWriter(deps.db, id);
  let lastBeat = 0;
  try {
    const counted = await runBacktest(
      deps.db,
      input,
      async (progress) => {
        await onProgress?.(progress);
        if (Date.now() - lastBeat < BEAT_MS) return;
        lastBeat = Date.now();
        const beat = await deps.db.backtestJob.updateMany({
          where: { id },
          data: { done: progress.done, total: progress.total, heartbeatAt: now() },
        });
        if (beat.count === 0) throw new BacktestCancelledError(id);
      },
      (changes) => writer.write(changes),
    );
    const report = await withStoredChanges(deps.db, id, counted, CHANGE_SAMPLE);
    const total = await deps.db.backtestJob.findUnique({ where: { id }, select: { total: true } });
    const stored = await deps.db.backtestJob.updateMany({
      where: { id },
      data: {
        status: 'done',
        done: total?.total ?? 0,
        report: report as unknown as Prisma.InputJsonValue,
        heartbeatAt: now(),
        finishedAt: now(),
      },
    });
    if (!total || stored.count === 0) throw new BacktestCancelledError(id);
    return report;
  } catch (error) {
    if (error instanceof BacktestCancelledError || (await deps.db.backtestJob.count({ where: { id } })) === 0) {
      // Deleted while it ran: a batch written after the delete (where foreign keys are not enforced) goes too.
      await deps.db.backtestChange.deleteMany({ where: { jobId: id } });
      throw error instanceof BacktestCancelledError ? error : new BacktestCancelledError(id);
    }
    const message = error instanceof Error ? error.message : String(error);
    await deps.db.backtestJob.update({
      where: { id },
      data: { status: 'failed', error: `the backtest failed: ${message}`, finishedAt: now() },
    });
    throw error;
  }
}

/** A job of the tenant, or `not_found`. A running job that stopped beating is marked failed first. */
export async function backtestJob(
  deps: Pick<BacktestJobDeps, 'db' | 'now'>,
  tenant: string,
  id: string,
): Promise<BacktestJobView> {
  const now = (deps.now ?? (() => new Date()))();
  let row = await deps.db.backtestJob.findFirst({ where: { id, tenant } });
  if (!row) throw new LeadflowError('not_found', `No backtest ${id}.`);
  if (row.status === 'running' && now.getTime() - row.heartbeatAt.getTime() > STALE_MS) {
    row = await deps.db.backtestJob.update({
      where: { id },
      data: {
        status: 'failed',
        finishedAt: now,
        error: `interrupted: the process running it stopped (last progress ${row.heartbeatAt.toISOString()}); start the backtest again`,
      },
    });
  }
  return viewOf(row);
}

type JobRow = Awaited<ReturnType<Db['backtestJob']['create']>>;

function viewOf(row: JobRow): BacktestJobView {
  return {
    id: row.id,
    status: row.status as BacktestJobView['status'],
    done: row.done,
    total: row.total,
    activeVersion: row.activeVersion,
    candidateVersion: row.candidateVersion,
    kinds: BACKTEST_KINDS.filter((k) => row.kinds.split(',').includes(k)),
    since: row.since?.toISOString() ?? null,
    until: row.until?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.error,
    report: withTotals((row.report ?? null) as BacktestReport | null),
  };
}

/** Reports stored before the full list moved to its table listed every change: their count is the list's length. */
function withTotals(report: BacktestReport | null): BacktestReport | null {
  if (!report) return null;
  const { scoring, routing, approvals } = report;
  return {
    ...report,
    ...(scoring ? { scoring: { ...scoring, changedTotal: scoring.changedTotal ?? scoring.changed.length } } : {}),
    ...(routing ? { routing: { ...routing, changedTotal: routing.changedTotal ?? routing.changed.length } } : {}),
    ...(approvals
      ? { approvals: { ...approvals, changedTotal: approvals.changedTotal ?? approvals.changed.length } }
      : {}),
  };
}
