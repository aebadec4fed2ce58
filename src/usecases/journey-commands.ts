import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Db } from '../db/client';
import { isDatabaseUnavailable, isTemporalTimeout, isTemporalUnavailable, TIMED_OUT_MESSAGE } from './availability';
import { LeadflowError } from '../domain/errors';
import { innermostMessage } from './update-failure';

/**
 * Sends an update to a lead's journey and returns its result. The journey validates each update
 * against its state (BANT only for MQLs, …): a rejection becomes a 409 with the journey's reason.
 * The update id makes a retried request apply once.
 */
export async function updateJourney<R, A extends [unknown, ...unknown[]]>(
  deps: { db: Db; temporal: Client },
  leadId: string,
  update: UpdateDefinition<R, A>,
  args: A,
  updateId: string,
): Promise<R> {
  const lead = await deps.db.lead
    .findUnique({ where: { id: leadId }, select: { journeyId: true } })
    .catch((error: unknown) => {
      if (isDatabaseUnavailable(error))
        throw new LeadflowError('database_unavailable', 'The database is unreachable. Retry shortly.', {
          cause: error,
        });
      throw error;
    });
  if (!lead) throw new LeadflowError('not_found', `No lead with id ${leadId}.`);
  try {
    return await deps.temporal.withDeadline(Date.now() + 30_000, () =>
      deps.temporal.workflow.getHandle(lead.journeyId).executeUpdate(update, { args, updateId }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new LeadflowError('conflict', innermostMessage(error), { cause: error });
    }
    if ((error as { name?: string }).name === 'WorkflowNotFoundError')
      throw new LeadflowError('conflict', `The journey of lead ${leadId} is not running.`);
    if (isTemporalTimeout(error)) throw new LeadflowError('temporal_unavailable', TIMED_OUT_MESSAGE, { cause: error });
    if (isTemporalUnavailable(error))
      throw new LeadflowError('temporal_unavailable', 'The workflow engine (Temporal) is unreachable. Retry shortly.', {
        cause: error,
      });
    throw error;
  }
}
