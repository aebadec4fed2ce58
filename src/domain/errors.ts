/**
 * Domain error codes. One table maps them to HTTP statuses (src/api/errors.ts); activities map
 * them to retryable or not. Messages say what happened and how to fix it.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /**
   * Each field is well-formed, but together, or against what is stored, they cannot be applied
   * (1.5 in a currency without decimals; a new rep without a name). `fields` says which.
   */
  | 'unprocessable'
  /** A write that must name the revision it read (If-Match) named none (HTTP 428). */
  | 'precondition_required'
  /** A version check failed: someone else changed the record since the caller read it. */
  | 'stale_revision'
  /** The request is well-formed but the business rules do not allow it now (e.g. a stage's exit criteria). */
  | 'not_allowed'
  /** Too many requests from one token or address (rate limit, or backoff after invalid tokens). */
  | 'rate_limited'
  /** An Idempotency-Key (or webhook delivery id) already used for a different request. */
  | 'idempotency_key_reused'
  /** The first request with this Idempotency-Key is still being processed; retry later. */
  | 'idempotency_key_in_use'
  | 'temporal_unavailable'
  | 'database_unavailable'
  | 'rules_unavailable'
  /** Too much intake work is in flight: refused before anything was stored; retry after Retry-After. */
  | 'overloaded'
  /** The request holds more than the operation takes at once (a batch over its row limit): HTTP 413. */
  | 'payload_too_large'
  /** The mail server (SMTP_URL, or the embedded one) did not take an email leadflow had to send now. */
  | 'mail_unavailable'
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

/**
 * The one table from domain error codes to "may an activity retry help?". Unavailability heals by
 * itself, so it retries; input, permission and state errors will fail the same way every time, so
 * an activity raising them fails at once with the message. `internal` retries: it is a bug, and a
 * deployed fix lets the stuck activity finish.
 */
export const retryableFor: Record<ErrorCode, boolean> = {
  validation_failed: false,
  unauthorized: false,
  forbidden: false,
  not_found: false,
  conflict: false,
  unprocessable: false,
  precondition_required: false,
  stale_revision: false,
  not_allowed: false,
  rate_limited: true,
  idempotency_key_reused: false,
  idempotency_key_in_use: false,
  temporal_unavailable: true,
  database_unavailable: true,
  rules_unavailable: true,
  overloaded: true,
  payload_too_large: false,
  mail_unavailable: true,
  internal: true,
};
