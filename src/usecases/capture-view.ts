import type { Db } from '../db/client';
import { createIntakeOutbox } from '../db/intake-outbox';
import { LeadflowError } from '../domain/errors';
import type { CaptureStatus } from '../api/schemas';

/**
 * What became of one capture, for the caller that got a 202: the outbox row, and where the
 * dispatcher has not recorded the outcome yet, the truth from the lead's own records (its
 * interaction for this submission exists once the journey stored it). Another tenant's capture is
 * not found.
 */
export async function viewCapture(
  db: Db,
  tenant: string,
  submissionId: string,
  retentionDays = 0,
): Promise<CaptureStatus> {
  const capture = await createIntakeOutbox(db).find(submissionId);
  if (!capture || capture.tenant !== tenant)
    throw new LeadflowError(
      'not_found',
      retentionDays > 0
        ? `No capture with id ${submissionId}: there never was one, or its journey stored it more than ${retentionDays} days ago and its record was deleted (LEADFLOW_INTAKE_RETENTION_DAYS); the lead itself is kept, find it with GET /api/leads?q=<email>.`
        : `No capture with id ${submissionId}.`,
    );
  const storedByJourney =
    capture.state === 'pending' &&
    (await db.interaction.count({
      where: { leadId: capture.leadId, idempotencyKey: `submission:${capture.leadId}:${submissionId}` },
    })) > 0;
  const state = storedByJourney ? 'stored' : capture.state;
  return {
    submissionId,
    leadId: capture.leadId,
    journeyId: capture.journeyId,
    state,
    outcome: capture.outcome === 'created' || capture.outcome === 'merged' ? capture.outcome : null,
    lead: state === 'stored' ? `/api/leads/${capture.leadId}` : null,
    attempts: capture.attempts,
    lastError: state === 'pending' ? capture.lastError : null,
    error:
      capture.state === 'failed'
        ? { code: capture.outcome ?? 'conflict', message: capture.lastError ?? 'The journey refused the lead.' }
        : null,
    receivedAt: capture.submission.receivedAt,
    settledAt: capture.settledAt?.toISOString() ?? null,
  };
}
