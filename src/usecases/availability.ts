/**
 * Recognises "the service is down" among the many shapes of errors the Temporal client and Prisma
 * throw, so the API can answer 503 with a clear message instead of 500.
 */

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

export function isTemporalUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
    if (candidate.code === GRPC_UNAVAILABLE || candidate.code === GRPC_DEADLINE_EXCEEDED) return true;
    if (
      typeof candidate.message === 'string' &&
      // "Channel has been shut down": a request still running while the API stops (its client closed).
      /UNAVAILABLE|Failed to connect|ECONNREFUSED|No connection established|DEADLINE_EXCEEDED|Channel has been shut down/i.test(
        candidate.message,
      )
    ) {
      return true;
    }
    current = candidate.cause;
  }
  return false;
}

const PRISMA_CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth++) {
    const candidate = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; kind?: unknown };
    if (typeof candidate.code === 'string' && PRISMA_CONNECTION_CODES.has(candidate.code)) return true;
    if (candidate.name === 'PrismaClientInitializationError') return true;
    if (
      typeof candidate.code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|57P01|57P03|08000|08001|08003|08006|SQLITE_BUSY|SQLITE_CANTOPEN)$/.test(
        candidate.code,
      )
    )
      return true;
    if (
      typeof candidate.message === 'string' &&
      /Can't reach database|ECONNREFUSED|Connection terminated|connection timeout|database is locked|unable to open database/i.test(
        candidate.message,
      )
    ) {
      return true;
    }
    current = candidate.cause;
  }
  return false;
}

/** A call to Temporal ran out of its deadline (the server is up but nothing answered in time). */
export function isDeadlineExceeded(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (candidate.code === GRPC_DEADLINE_EXCEEDED) return true;
    if (typeof candidate.message === 'string' && /DEADLINE_EXCEEDED|deadline exceeded/i.test(candidate.message))
      return true;
    current = candidate.cause;
  }
  return false;
}

const GRPC_CANCELLED = 1;

/**
 * A call to Temporal that ran out of time or was cancelled while the server may well be up: the
 * deadline passed, the update call timed out (`WorkflowUpdateRPCTimeoutOrCancelledError`), or the
 * call was cancelled. The work may still happen, so the answer is "retry with the same id", never
 * "failed".
 */
export function isTemporalTimeout(error: unknown): boolean {
  if (isDeadlineExceeded(error)) return true;
  for (let current: unknown = error, depth = 0; current && depth < 6; depth++) {
    const candidate = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (candidate.name === 'WorkflowUpdateRPCTimeoutOrCancelledError' || candidate.code === GRPC_CANCELLED) return true;
    current = candidate.cause;
  }
  return false;
}

/** The 503 for a timed-out call to a workflow, saying what a retry does. */
export const TIMED_OUT_MESSAGE =
  'The workflow did not answer in time (the engine or its worker is busy or stopped); the change may still be applied. Retry with the same Idempotency-Key to apply it once and get its outcome.';
