import type { WorkflowUpdateFailedError } from '@temporalio/client';
import { LeadflowError, retryableFor, type ErrorCode } from '../domain/errors';

/** The journey's own reason, under "Activity task failed" wrappers. */
export function innermostMessage(error: Error): string {
  let message = error.message;
  for (let current: unknown = error.cause, depth = 0; current && depth < 8; depth++) {
    const candidate = current as { message?: unknown; cause?: unknown };
    if (typeof candidate.message === 'string' && candidate.message) message = candidate.message;
    current = candidate.cause;
  }
  return message;
}

/**
 * A failed journey update as a domain error: the code of the domain failure inside it (an activity
 * that failed with `conflict` for a constraint violation, `not_found`, …), else `fallback`, with
 * the journey's own message.
 */
export function updateFailureError(error: WorkflowUpdateFailedError, fallback: ErrorCode): LeadflowError {
  return new LeadflowError(domainCodeIn(error) ?? fallback, innermostMessage(error), { cause: error });
}

function domainCodeIn(error: Error): ErrorCode | undefined {
  for (let current: unknown = error.cause, depth = 0; current && depth < 8; depth++) {
    const candidate = current as { type?: unknown; cause?: unknown };
    if (typeof candidate.type === 'string' && candidate.type in retryableFor) return candidate.type as ErrorCode;
    current = candidate.cause;
  }
  return undefined;
}
