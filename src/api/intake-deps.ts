import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { captureLead, type IntakeDeps, type IntakeResult, type LeadInput } from '../usecases/intake';
import type { WorkAnswer } from '../usecases/idempotency';
import { LeadflowError } from '../domain/errors';
import { databaseLeadLookup } from '../usecases/lead-identity';
import { checkDatabase } from './health';
import { recordIntake, secondsSince } from '../metrics/instruments';

/** What lead intake needs from the HTTP layer; shared by the leads API and the form webhook. */
export function intakeDeps(
  deps: { db: Db; temporal: Client; taskQueue: string; now?: () => Date },
  whatWasLost: string,
): IntakeDeps {
  return {
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    now: deps.now ?? (() => new Date()),
    lookup: databaseLeadLookup(deps.db),
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

/**
 * Captures a lead and words the result as the HTTP answer shared by the leads API and the form
 * webhook: 201 created, 200 merged, or 202 accepted (not final: a retry with the same key resumes
 * the submission and gets the settled answer). Each is counted in `leadflow_intakes_total`; a
 * replayed answer (the same Idempotency-Key again) is not, because no capture ran.
 */
export async function captureAnswer(
  deps: IntakeDeps,
  input: LeadInput,
  options: { submissionId?: string },
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
      ...('submissions' in result.receipt ? { submissions: result.receipt.submissions } : {}),
    },
  };
}
