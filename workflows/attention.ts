/**
 * When a step of a journey cannot succeed. An activity that failed for good (non-retryable: a
 * constraint violation, a record that is not there, a missing template) must neither retry
 * forever nor silently stop the journey. The journey records why where people look (its state's
 * `attention`, the audit trail, and for a lead its `journeyStatus: needs-attention`) and goes on
 * waiting for its next message. Shared by the lead and the deal journey. Deterministic code only.
 */
import { ActivityFailure, TemporalFailure, isCancellation, patched } from '@temporalio/workflow';
import type { AttentionSubject } from '../activities/attention';
import { store } from './journey/effects';
import type { Attention } from './messages';

/** Journeys from before this existed replay without it (their histories have no flag activity). */
const ATTENTION_PATCH = 'needs-attention';

/** Codes that refuse a caller's request: the caller is told, and the lead or deal itself is fine. */
const REFUSALS: readonly string[] = ['validation_failed', 'unauthorized', 'forbidden', 'not_allowed'];

/** What a journey lends the guards: where to show the failure, and keys for the flag's write. */
export interface AttentionTarget {
  state: { attention?: Attention | null };
  tenant: string;
  subject: AttentionSubject;
  key: (label: string) => string;
}

export interface AttentionGuards {
  /**
   * Runs one step of an update handler. A failed side effect is recorded (unless it refuses the
   * caller's request), then rethrown, so the update fails and its caller hears why.
   */
  answering: <T>(step: string, work: () => Promise<T>) => Promise<T>;
  /**
   * Runs a step nobody waits for (a timer, a signal): a permanent failure is recorded and
   * absorbed, so the journey keeps running instead of failing or retrying its task forever.
   */
  absorbing: (step: string, work: () => Promise<void>) => Promise<void>;
}

export function attentionGuards(target: AttentionTarget): AttentionGuards {
  const flag = async (failure: Omit<Attention, 'at'>): Promise<void> => {
    const attention: Attention = { ...failure, at: new Date().toISOString() };
    target.state.attention = attention;
    try {
      await store.flagAttention({
        subject: target.subject,
        tenant: target.tenant,
        ...attention,
        idempotencyKey: target.key('attention'),
      });
    } catch (error) {
      // The journey state still says so; a failing flag must not hide the failure it reports.
      if (!(error instanceof TemporalFailure)) throw error;
    }
  };
  return {
    answering: async (step, work) => {
      try {
        return await work();
      } catch (error) {
        const failure = error instanceof ActivityFailure ? describe(step, error) : undefined;
        if (failure && !REFUSALS.includes(failure.code) && patched(ATTENTION_PATCH)) await flag(failure);
        throw error;
      }
    },
    absorbing: async (step, work) => {
      try {
        await work();
      } catch (error) {
        if (!(error instanceof TemporalFailure) || isCancellation(error) || !patched(ATTENTION_PATCH)) throw error;
        await flag(describe(step, error));
      }
    },
  };
}

/** The step, the failure's code (its application type) and a message that names the activity. */
function describe(step: string, error: TemporalFailure): Omit<Attention, 'at'> {
  const cause = error.cause as { type?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.type === 'string' ? cause.type : error.name;
  const message = typeof cause?.message === 'string' && cause.message ? cause.message : error.message;
  const what = error instanceof ActivityFailure ? `${error.activityType ?? 'an activity'} failed` : 'failed';
  return { step, code, reason: `${step}: ${what}: ${message}` };
}
