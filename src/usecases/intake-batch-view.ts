/**
 * How far a bulk intake has got, counted from its outbox rows: pending, stored (created or merged)
 * and failed, the failures' reasons, and while rows wait on an engine that is away, the reason of
 * the last attempt, so "Temporal is down; the import resumes when it is back" can be seen.
 */
import type { Db } from '../db/client';
import { LeadflowError } from '../domain/errors';
import type { RowError } from './bulk-intake';

/** Failures listed in one answer (the `failed` count has them all). */
const MAX_FAILURES = 200;
/** Row errors listed in one answer; `errorCount` has them all, and `…/errors.csv` lists every one. */
export const MAX_ERRORS_LISTED = 200;

export interface IntakeBatchView {
  id: string;
  kind: 'batch' | 'csv';
  source: string | null;
  campaign: string | null;
  fileName: string | null;
  createdBy: string;
  createdAt: string;
  received: number;
  accepted: number;
  alreadyImported: number;
  rejected: number;
  /** The first MAX_ERRORS_LISTED row errors, by row. */
  errors: RowError[];
  /** Every row error (a rejected row may have several); all are in GET …/errors.csv. */
  errorCount: number;
  progress: { total: number; pending: number; stored: number; created: number; merged: number; failed: number };
  /** True once no accepted row waits for its journey. */
  done: boolean;
  /** While rows are handed over again after a failed attempt: the last attempt's reason. */
  waiting: { reason: string; rows: number } | null;
  failures: { row: number; submissionId: string; code: string; message: string }[];
}

export type IntakeBatchSummary = Omit<IntakeBatchView, 'errors' | 'errorCount' | 'failures'>;

type BatchRecord = NonNullable<Awaited<ReturnType<Db['intakeBatch']['findUnique']>>>;

/**
 * The 404 of a batch that is not there: with a retention (LEADFLOW_INTAKE_RETENTION_DAYS), a
 * settled batch's record is deleted once its journeys stored the last row that many days ago.
 */
function batchNotFound(batchId: string, retentionDays: number): LeadflowError {
  return new LeadflowError(
    'not_found',
    retentionDays > 0
      ? `No intake batch with id ${batchId}: there never was one, or its journeys stored its last row more than ${retentionDays} days ago and its record was deleted (LEADFLOW_INTAKE_RETENTION_DAYS); the leads themselves are kept, find them with GET /api/leads?q=<email>.`
      : `No intake batch with id ${batchId}.`,
  );
}

/** One batch with its progress; another tenant's batch is not found. */
export async function viewIntakeBatch(
  db: Db,
  tenant: string,
  batchId: string,
  retentionDays = 0,
): Promise<IntakeBatchView> {
  const batch = await db.intakeBatch.findUnique({ where: { id: batchId } });
  if (!batch || batch.tenant !== tenant) throw batchNotFound(batchId, retentionDays);
  const [summary] = await summarise(db, [batch]);
  const failed = await db.intakeSubmission.findMany({
    where: { batchId, state: 'failed' },
    orderBy: { row: 'asc' },
    take: MAX_FAILURES,
    select: { id: true, row: true, outcome: true, lastError: true },
  });
  const errors = batch.rowErrors as unknown as RowError[];
  return {
    ...summary!,
    errors: errors.slice(0, MAX_ERRORS_LISTED),
    errorCount: errors.length,
    failures: failed.map((f) => ({
      row: f.row ?? 0,
      submissionId: f.id,
      code: f.outcome ?? 'conflict',
      message: f.lastError ?? 'The journey refused the lead.',
    })),
  };
}

/** Every row error of one batch, by row; another tenant's batch is not found. */
export async function intakeBatchErrors(
  db: Db,
  tenant: string,
  batchId: string,
  retentionDays = 0,
): Promise<RowError[]> {
  const batch = await db.intakeBatch.findUnique({ where: { id: batchId }, select: { tenant: true, rowErrors: true } });
  if (!batch || batch.tenant !== tenant) throw batchNotFound(batchId, retentionDays);
  return batch.rowErrors as unknown as RowError[];
}

/** The tenant's latest batches (newest first), with their progress. */
export async function listIntakeBatches(db: Db, tenant: string, limit: number): Promise<IntakeBatchSummary[]> {
  const batches = await db.intakeBatch.findMany({ where: { tenant }, orderBy: { createdAt: 'desc' }, take: limit });
  return summarise(db, batches);
}

async function summarise(db: Db, batches: BatchRecord[]): Promise<IntakeBatchSummary[]> {
  const ids = batches.map((b) => b.id);
  const [groups, retrying] = await Promise.all([
    db.intakeSubmission.groupBy({ by: ['batchId', 'state', 'outcome'], where: { batchId: { in: ids } }, _count: true }),
    db.intakeSubmission.groupBy({
      by: ['batchId'],
      where: { batchId: { in: ids }, state: 'pending', attempts: { gt: 0 } },
      _count: true,
      _max: { nextAttemptAt: true },
    }),
  ]);
  const reasons = new Map<string, string>();
  for (const r of retrying) {
    const last = await db.intakeSubmission.findFirst({
      where: { batchId: r.batchId, state: 'pending', attempts: { gt: 0 }, lastError: { not: null } },
      orderBy: { nextAttemptAt: 'desc' },
      select: { lastError: true },
    });
    if (last?.lastError && r.batchId) reasons.set(r.batchId, last.lastError);
  }
  return batches.map((batch) => {
    const count = (state: string, outcome?: string) =>
      groups
        .filter((g) => g.batchId === batch.id && g.state === state && (outcome === undefined || g.outcome === outcome))
        .reduce((sum, g) => sum + g._count, 0);
    const pending = count('pending');
    const waitingRows = retrying.find((r) => r.batchId === batch.id)?._count ?? 0;
    const reason = reasons.get(batch.id);
    return {
      id: batch.id,
      kind: batch.kind === 'csv' ? 'csv' : 'batch',
      source: batch.source,
      campaign: batch.campaign,
      fileName: batch.fileName,
      createdBy: batch.createdBy,
      createdAt: batch.createdAt.toISOString(),
      received: batch.received,
      accepted: batch.accepted,
      alreadyImported: batch.alreadyImported,
      rejected: batch.rejected,
      progress: {
        total: batch.accepted,
        pending,
        stored: count('stored'),
        created: count('stored', 'created'),
        merged: count('stored', 'merged'),
        failed: count('failed'),
      },
      done: pending === 0,
      waiting: waitingRows > 0 && reason ? { reason, rows: waitingRows } : null,
    };
  });
}
