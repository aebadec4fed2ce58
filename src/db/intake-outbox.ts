/**
 * Lead intake's outbox: one row per accepted submission, written before the API answers, kept
 * until the lead's journey has stored it (or refused it for good). The dispatcher
 * (src/usecases/intake-dispatcher.ts) takes due rows under a lease, so two API processes never
 * hand the same row over at once, and a crashed process's lease runs out.
 */
import type { LeadSubmission } from '../domain/lead';
import type { Db, Prisma } from './client';
import { isUniqueViolation } from './unique-violation';

export type CaptureState = 'pending' | 'stored' | 'failed';

/** A submission in the outbox, as intake and the dispatcher see it. */
export interface Capture {
  submissionId: string;
  tenant: string;
  leadId: string;
  journeyId: string;
  submission: LeadSubmission;
  state: CaptureState;
  attempts: number;
  nextAttemptAt: Date;
  /** stored: created | merged; failed: the error code the journey refused it with. */
  outcome: string | null;
  submissions: number | null;
  lastError: string | null;
  createdAt: Date;
  settledAt: Date | null;
}

export interface IntakeOutbox {
  /** Stores the submission unless its id is already there; returns the row as it now stands. */
  enqueue(capture: Pick<Capture, 'submissionId' | 'tenant' | 'leadId' | 'journeyId' | 'submission'>): Promise<Capture>;
  find(submissionId: string): Promise<Capture | null>;
  /** Leases up to `limit` pending rows due by `now` (single captures, then bulk rows; oldest first) until `leaseUntil`. */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<Capture[]>;
  /** Leases one row (for a handover right after its request); false when another holds it or it is settled. */
  claim(submissionId: string, now: Date, leaseUntil: Date): Promise<boolean>;
  stored(submissionId: string, outcome: 'created' | 'merged', submissions: number, at: Date): Promise<void>;
  failed(submissionId: string, code: string, message: string, at: Date): Promise<void>;
  /** Releases the lease and counts the attempt; the dispatcher tries again from `at`. */
  retryAt(submissionId: string, at: Date, message: string): Promise<void>;
  /** How many rows wait for their journey (a gauge for operators and the tests). */
  pendingCount(): Promise<number>;
  /**
   * Deletes up to `limit` single captures settled `stored` before `settledBefore` whose idempotency
   * record has expired by `now` (a live one may still resume the request); never a pending or failed
   * row, nor a bulk row (its batch's progress counts it). Returns how many went.
   */
  sweepStored(settledBefore: Date, now: Date, limit: number): Promise<number>;
  /**
   * Deletes the bulk intakes (IntakeBatch) settled before `settledBefore`, with their rows: every
   * row stored, the last of them before then (a batch without rows: created before then). A batch
   * with a pending row (still running) or a failed one (waiting for a person) is kept whole.
   * Returns how many batches and rows went.
   */
  sweepSettledBatches(settledBefore: Date): Promise<{ batches: number; rows: number }>;
}

type Row = NonNullable<Awaited<ReturnType<Db['intakeSubmission']['findUnique']>>>;

function toCapture(row: Row): Capture {
  return {
    submissionId: row.id,
    tenant: row.tenant,
    leadId: row.leadId,
    journeyId: row.journeyId,
    submission: row.submission as unknown as LeadSubmission,
    state: row.state as CaptureState,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    outcome: row.outcome,
    submissions: row.submissions,
    lastError: row.lastError,
    createdAt: row.createdAt,
    settledAt: row.settledAt,
  };
}

const free = (now: Date) => ({ OR: [{ leasedUntil: null }, { leasedUntil: { lte: now } }] });

export function createIntakeOutbox(db: Db): IntakeOutbox {
  const outbox: IntakeOutbox = {
    async enqueue(capture) {
      try {
        const row = await db.intakeSubmission.create({
          data: {
            id: capture.submissionId,
            tenant: capture.tenant,
            leadId: capture.leadId,
            journeyId: capture.journeyId,
            submission: capture.submission as unknown as Prisma.InputJsonValue,
          },
        });
        return toCapture(row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      // A resumed request (same Idempotency-Key): the first one's row, whatever became of it.
      return toCapture(await db.intakeSubmission.findUniqueOrThrow({ where: { id: capture.submissionId } }));
    },

    async find(submissionId) {
      const row = await db.intakeSubmission.findUnique({ where: { id: submissionId } });
      return row ? toCapture(row) : null;
    },

    async claimDue(now, leaseUntil, limit) {
      // Single captures first, so a live form fill never waits behind a 5,000-row import; then bulk rows, oldest first.
      const dueNow = { state: 'pending', nextAttemptAt: { lte: now }, ...free(now) };
      const single = await db.intakeSubmission.findMany({
        where: { ...dueNow, batchId: null },
        orderBy: { nextAttemptAt: 'asc' },
        take: limit,
      });
      const bulk =
        single.length < limit
          ? await db.intakeSubmission.findMany({
              where: { ...dueNow, batchId: { not: null } },
              orderBy: [{ nextAttemptAt: 'asc' }, { createdAt: 'asc' }],
              take: limit - single.length,
            })
          : [];
      const due = [...single, ...bulk];
      const claimed: Capture[] = [];
      for (const row of due) if (await outbox.claim(row.id, now, leaseUntil)) claimed.push(toCapture(row));
      return claimed;
    },

    async claim(submissionId, now, leaseUntil) {
      const { count } = await db.intakeSubmission.updateMany({
        where: { id: submissionId, state: 'pending', ...free(now) },
        data: { leasedUntil: leaseUntil },
      });
      return count === 1;
    },

    async stored(submissionId, outcome, submissions, at) {
      await db.intakeSubmission.update({
        where: { id: submissionId },
        data: { state: 'stored', outcome, submissions, leasedUntil: null, lastError: null, settledAt: at },
      });
    },

    async failed(submissionId, code, message, at) {
      await db.intakeSubmission.update({
        where: { id: submissionId },
        data: { state: 'failed', outcome: code, lastError: message, leasedUntil: null, settledAt: at },
      });
    },

    async retryAt(submissionId, at, message) {
      await db.intakeSubmission.updateMany({
        where: { id: submissionId, state: 'pending' },
        data: { leasedUntil: null, nextAttemptAt: at, lastError: message, attempts: { increment: 1 } },
      });
    },

    async pendingCount() {
      return db.intakeSubmission.count({ where: { state: 'pending' } });
    },

    async sweepStored(settledBefore, now, limit) {
      const old = await db.intakeSubmission.findMany({
        where: { state: 'stored', batchId: null, settledAt: { lt: settledBefore } },
        select: { id: true },
        orderBy: { settledAt: 'asc' },
        take: limit,
      });
      if (old.length === 0) return 0;
      const live = await db.idempotencyRecord.findMany({
        where: { id: { in: old.map((row) => row.id) }, expiresAt: { gt: now } },
        select: { id: true },
      });
      const keep = new Set(live.map((record) => record.id));
      const { count } = await db.intakeSubmission.deleteMany({
        // The state and date again: a row cannot have changed since, but the delete says what it may take.
        where: {
          id: { in: old.map((row) => row.id).filter((id) => !keep.has(id)) },
          state: 'stored',
          settledAt: { lt: settledBefore },
        },
      });
      return count;
    },
    async sweepSettledBatches(settledBefore) {
      // A batch settled before the cut-off was created before it; each is settled on its own.
      const old = await db.intakeBatch.findMany({
        where: { createdAt: { lt: settledBefore } },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
      });
      const swept = { batches: 0, rows: 0 };
      for (const { id } of old) {
        const rows = await db.$transaction(async (tx) => {
          const settled = { batchId: id, state: 'stored', settledAt: { lt: settledBefore } };
          const rows = await tx.intakeSubmission.count({ where: { batchId: id } });
          if ((await tx.intakeSubmission.count({ where: settled })) !== rows) return undefined;
          const { count } = await tx.intakeSubmission.deleteMany({ where: settled });
          await tx.intakeBatch.delete({ where: { id } });
          return count;
        });
        if (rows === undefined) continue;
        swept.batches += 1;
        swept.rows += rows;
      }
      return swept;
    },
  };
  return outbox;
}
