import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { captureLead, type IntakeDeps, type IntakeResult, type IntakeWait, type LeadInput } from '../usecases/intake';
import type { WorkAnswer } from '../usecases/idempotency';
import { LeadflowError } from '../domain/errors';
import { databaseLeadLookup } from '../usecases/lead-identity';
import { createIntakeOutbox, type IntakeOutbox } from '../db/intake-outbox';
import { createGate, type Gate } from '../usecases/intake-gate';
import type { IntakeDispatcher } from '../usecases/intake-dispatcher';
import { checkDatabase } from './health';
import { recordIntake, secondsSince } from '../metrics/instruments';

/** Lead intake's parts that live as long as the API: the outbox, its dispatcher and the load gate. */
export interface IntakeRuntime {
  outbox: IntakeOutbox;
  gate: Gate;
  dispatcher?: Pick<IntakeDispatcher, 'handOver'>;
  /** What a capture waits for when the request does not say (LEADFLOW_INTAKE_WAIT). */
  defaultWait: IntakeWait;
  /** Days a stored capture stays readable (LEADFLOW_INTAKE_RETENTION_DAYS; 0: for ever). */
  retentionDays: number;
}

export interface IntakeSettings {
  wait: IntakeWait;
  /** Captures waiting for their journey at once (LEADFLOW_INTAKE_CONCURRENCY). */
  concurrency: number;
  /** Further captures queued for a slot before 503 `overloaded` (LEADFLOW_INTAKE_QUEUE). */
  queue: number;
  /** Days a stored capture stays in the outbox (LEADFLOW_INTAKE_RETENTION_DAYS; 0: for ever). */
  retentionDays: number;
}

export const DEFAULT_INTAKE_SETTINGS: IntakeSettings = {
  wait: 'accepted',
  concurrency: 16,
  queue: 32,
  retentionDays: 30,
};

export function createIntakeRuntime(
  db: Db,
  settings: IntakeSettings = DEFAULT_INTAKE_SETTINGS,
  dispatcher?: Pick<IntakeDispatcher, 'handOver'>,
): IntakeRuntime {
  return {
    outbox: createIntakeOutbox(db),
    gate: createGate(
      settings.concurrency,
      settings.queue,
      `Too many captures are waiting for their journeys (limit ${settings.concurrency} at once, ${settings.queue} queued); nothing was stored. Retry after Retry-After seconds, or capture without ?wait=stored.`,
    ),
    dispatcher,
    defaultWait: settings.wait,
    retentionDays: settings.retentionDays,
  };
}

/** What lead intake needs from the HTTP layer; shared by the leads API and the form webhook. */
export function intakeDeps(
  deps: { db: Db; temporal: Client; taskQueue: string; now?: () => Date; intake: IntakeRuntime },
  whatWasLost: string,
): IntakeDeps {
  return {
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    now: deps.now ?? (() => new Date()),
    lookup: databaseLeadLookup(deps.db),
    outbox: deps.intake.outbox,
    gate: deps.intake.gate,
    dispatcher: deps.intake.dispatcher,
    assertDatabaseReachable: async () => {
      const check = await checkDatabase(deps.db);
      if (check.status === 'down')
        throw new LeadflowError(
          'database_unavailable',
          `The database is unreachable (${check.message}); ${whatWasLost}`,
        );
    },
  };
}

/** Where to follow a capture up: the lead once stored, else the capture's status. */
export function captureLocation(body: unknown): string | undefined {
  const { id, status, submissionId } = (body ?? {}) as { id?: unknown; status?: unknown; submissionId?: unknown };
  if (status === 'accepted' && typeof submissionId === 'string')
    return `/api/captures/${encodeURIComponent(submissionId)}`;
  return typeof id === 'string' ? `/api/leads/${id}` : undefined;
}

/**
 * Captures a lead and words the result as the HTTP answer shared by the leads API and the form
 * webhook: 201 created, 200 merged, or 202 accepted: captured for good, but not yet stored by the
 * journey (not final: a retry with the same key resumes the submission and gets the settled
 * answer once there is one). Each is counted in `leadflow_intakes_total`; a replayed answer (the
 * same Idempotency-Key again) is not, because no capture ran.
 */
export async function captureAnswer(
  deps: IntakeDeps,
  input: LeadInput,
  options: { submissionId?: string; wait: IntakeWait },
): Promise<WorkAnswer> {
  const startedAt = performance.now();
  let result: IntakeResult;
  try {
    result = await captureLead(deps, input, options);
  } catch (error) {
    recordIntake(input.source, 'refused', secondsSince(startedAt));
    throw error;
  }
  recordIntake(input.source, result.status, secondsSince(startedAt));
  return {
    status: result.status === 'created' ? 201 : result.status === 'merged' ? 200 : 202,
    final: result.status !== 'accepted',
    body: {
      id: result.receipt.leadId,
      journeyId: result.receipt.journeyId,
      status: result.status,
      submissionId: result.submissionId,
      ...('submissions' in result.receipt ? { submissions: result.receipt.submissions } : {}),
    },
  };
}
