/**
 * Domain error codes. One table maps them to HTTP statuses (src/api/errors.ts); activities map
 * them to retryable or not. Messages say what happened and how to fix it.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'temporal_unavailable'
  | 'database_unavailable'
  | 'rules_unavailable'
  | 'internal';

export class LeadflowError extends Error {
  override readonly name = 'LeadflowError';
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, { cause: options?.cause });
    this.code = code;
    this.details = options?.details;
  }
}
