/**
 * Database errors that fail the same way however often they are retried: a unique or foreign-key
 * violation, a record that is not there, a value the column cannot hold. Activities turn them into
 * non-retryable domain errors (activities/index.ts), so a journey hears about them and says so,
 * instead of retrying forever. Connection trouble, timeouts, deadlocks and serialisation failures
 * are not among them: those heal, and are retried.
 */
import { LeadflowError, type ErrorCode } from '../domain/errors';
import { isUniqueViolation } from './unique-violation';

/** Prisma's error codes for requests that cannot succeed as written, by the domain code they mean. */
const PERMANENT: Record<string, { code: ErrorCode; what: string }> = {
  P2000: { code: 'validation_failed', what: 'a value is too long for its column' },
  P2002: { code: 'conflict', what: 'a unique constraint failed' },
  P2003: { code: 'not_found', what: 'a foreign key constraint failed (the record it refers to does not exist)' },
  P2005: { code: 'validation_failed', what: 'a stored value is invalid for its column' },
  P2006: { code: 'validation_failed', what: 'a value is invalid for its column' },
  P2007: { code: 'validation_failed', what: 'a value failed validation' },
  P2011: { code: 'validation_failed', what: 'a null constraint failed' },
  P2012: { code: 'validation_failed', what: 'a required value is missing' },
  P2014: { code: 'conflict', what: 'the change would break a required relation' },
  P2019: { code: 'validation_failed', what: 'an input error' },
  P2020: { code: 'validation_failed', what: 'a value is out of range for its column' },
  P2023: { code: 'validation_failed', what: 'inconsistent column data' },
  P2025: { code: 'not_found', what: 'a record the change needs does not exist' },
};

interface PrismaKnownError {
  code?: unknown;
  meta?: {
    modelName?: unknown;
    target?: unknown;
    driverAdapterError?: { cause?: { originalMessage?: unknown } };
  };
}

/**
 * The domain error a permanent database error means, with a readable message; undefined for any
 * other error. The Prisma error is not kept as the cause: its message quotes minified client
 * code, and the failure chain would carry it to the API.
 */
export function permanentWriteError(error: unknown): LeadflowError | undefined {
  const { code, meta } = (error ?? {}) as PrismaKnownError;
  if (typeof code !== 'string') return undefined;
  // A raw statement's unique clash comes as P2010 (a raw query failed) with the driver's kind.
  const permanent = PERMANENT[code] ?? (isUniqueViolation(error) ? PERMANENT.P2002 : undefined);
  if (!permanent) return undefined;
  const model = typeof meta?.modelName === 'string' ? ` on ${meta.modelName}` : '';
  const detail = meta?.driverAdapterError?.cause?.originalMessage;
  const target = Array.isArray(meta?.target) ? ` (${meta.target.join(', ')})` : '';
  const said = typeof detail === 'string' ? `: ${detail}` : target;
  return new LeadflowError(
    permanent.code,
    `The database refused the write${model}: ${permanent.what}${said} (Prisma ${code}). Retrying cannot help; the data must be corrected.`,
  );
}
