/**
 * Drains lead intake's outbox: every captured submission is handed to its journey (see
 * journey-handoff.ts), again and again with backoff while Temporal or the worker is away, until
 * the journey has stored it or refused it for good. It runs in each API process; rows are leased,
 * so several processes share the work, and a row whose process died is taken up when its lease
 * runs out. Started with the API, it first resumes whatever an earlier run left pending.
 */
import type { Client } from '@temporalio/client';
import type { Capture, IntakeOutbox } from '../db/intake-outbox';
import type { Logger } from '../logger';
import { handToJourney } from './journey-handoff';

export interface DispatcherOptions {
  /** Hand-overs in flight at once. */
  concurrency: number;
  /** How long one hand-over waits for the journey before it is retried later. */
  attemptMs: number;
  /** How often the outbox is looked at when nothing nudged the dispatcher. */
  pollMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = { concurrency: 16, attemptMs: 10_000, pollMs: 1_000 };

export interface IntakeDispatcher {
  /** Hands a just-captured submission over now if a slot is free; else the loop takes it up. */
  handOver(capture: Capture): void;
  /** Settles when no hand-over is in flight (for tests and shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** 1 s, 2 s, 4 s … up to 30 s between attempts of one submission. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.min(attempts, 5));
}

export function startIntakeDispatcher(
  deps: { outbox: IntakeOutbox; temporal: Client; taskQueue: string; logger: Logger; now?: () => Date },
  options: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS,
): IntakeDispatcher {
  const now = deps.now ?? (() => new Date());
  const leaseMs = options.attemptMs * 3;
  const inFlight = new Set<Promise<void>>();
  let running = true;
  let wake: (() => void) | undefined;

  const track = (submissionId: string, work: Promise<void>) => {
    const tracked: Promise<void> = work
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, submissionId }, 'intake hand-over failed; it is retried later'),
      )
      .finally(() => {
        inFlight.delete(tracked);
        wake?.();
      });
    inFlight.add(tracked);
  };

  async function settle(capture: Capture): Promise<void> {
    const handoff = await handToJourney(deps, capture, options.attemptMs);
    switch (handoff.kind) {
      case 'stored':
        await deps.outbox.stored(
          capture.submissionId,
          handoff.receipt.created ? 'created' : 'merged',
          handoff.receipt.submissions,
          now(),
        );
        return;
      case 'refused':
        await deps.outbox.failed(capture.submissionId, handoff.error.code, handoff.error.message, now());
        return;
      case 'unsettled':
        await deps.outbox.retryAt(
          capture.submissionId,
          new Date(now().getTime() + retryDelayMs(capture.attempts)),
          handoff.reason,
        );
        return;
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      const free = options.concurrency - inFlight.size;
      if (free > 0) {
        const at = now();
        const due = await deps.outbox.claimDue(at, new Date(at.getTime() + leaseMs), free).catch((error: unknown) => {
          deps.logger.warn({ err: error }, 'intake outbox unreadable; retrying');
          return [];
        });
        for (const capture of due) track(capture.submissionId, settle(capture));
        // A full batch means more may be due: look again at once.
        if (due.length === free && due.length > 0) continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  const looping = loop();

  return {
    handOver(capture) {
      if (!running || inFlight.size >= options.concurrency) return;
      const at = now();
      // Whoever wins the lease (this call or the loop) hands it over; the other does nothing.
      const claimed = deps.outbox.claim(capture.submissionId, at, new Date(at.getTime() + leaseMs));
      track(
        capture.submissionId,
        claimed.then((ours) => (ours ? settle(capture) : undefined)),
      );
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async stop() {
      running = false;
      wake?.();
      await looping;
      await Promise.all([...inFlight]);
    },
  };
}
