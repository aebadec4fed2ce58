import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../logger';
import {
  isDatabaseUnavailable,
  isTemporalTimeout,
  isTemporalUnavailable,
  TIMED_OUT_MESSAGE,
} from '../usecases/availability';
import { LeadflowError, type ErrorCode } from '../domain/errors';
import { chineseClash } from '../domain/identity-clash';
import { DEFAULT_LANGUAGE, languageFromAcceptLanguage, type Language } from '../domain/languages';
import { answerIn } from './error-words';
import type { Worded } from '../domain/reason-codes';

/**
 * Input zod refused, which can be worded again in the caller's language: `fieldsIn` parses it
 * again with that language's error map (./zod-words.ts). `details` are the English fields.
 */
export class InvalidInput extends LeadflowError {
  constructor(
    message: string,
    details: FieldError[],
    readonly fieldsIn: (language: Language) => FieldError[] | null,
  ) {
    super('validation_failed', message, { details });
  }
}

/** The one table from domain error codes to HTTP statuses. */
export const httpStatusFor: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  precondition_required: 428,
  stale_revision: 409,
  not_allowed: 422,
  rate_limited: 429,
  idempotency_key_reused: 422,
  idempotency_key_in_use: 409,
  temporal_unavailable: 503,
  database_unavailable: 503,
  rules_unavailable: 503,
  overloaded: 503,
  payload_too_large: 413,
  mail_unavailable: 503,
  internal: 500,
};

export interface FieldError {
  path: string;
  message: string;
  /**
   * Internal, never sent: the value has the documented shape but names something unknown to this
   * server (a time zone outside its database). When every field is such, the answer is a 422.
   */
  unprocessable?: true;
  /** Internal, never sent: the message as a code and values, for wording it in the caller's language. */
  why?: Worded;
}

/**
 * Turns zod issues into field-level messages: `{ path: "sourceDetails.campaign", message }`. In
 * `zh-CN` the issues' messages are already Chinese (./zod-words.ts), unknown keys' too.
 */
export function fieldErrors(error: ZodError, language: Language = 'en'): FieldError[] {
  const seen = new Set<string>();
  const fields: FieldError[] = [];
  for (const issue of error.issues) {
    const field: FieldError = {
      path: issue.path.length ? issue.path.map(String).join('.') : '(body)',
      message:
        issue.code === 'unrecognized_keys' && language === 'en'
          ? `unknown field(s): ${issue.keys.join(', ')}`
          : issue.message,
      ...(issue.code === 'custom' && issue.params?.unprocessable === true ? { unprocessable: true as const } : {}),
    };
    // Two checks of one value may fail with one message (1e308 is neither a safe integer nor ≤ 10M).
    const key = `${field.path}\u0000${field.message}`;
    if (!seen.has(key)) fields.push(field);
    seen.add(key);
  }
  return fields;
}

/**
 * The API's error boundary. Every error becomes `{ error: { code, message, fields? } }`:
 * malformed JSON and invalid input are 400s with field-level messages, a down dependency is a
 * 503 that says which, and only a genuine bug is a 500 (logged with its stack). The most common
 * refusals are worded in the caller's language (Accept-Language), see ./error-words.ts.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const language = languageFromAcceptLanguage(req.get('accept-language')) ?? DEFAULT_LANGUAGE;
    const body = toErrorBody(error, language);
    const status = body.status;
    if (status >= 500 && status !== 503)
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled API error');
    else if (status === 503) logger.warn({ code: body.error.code, url: req.originalUrl }, body.error.message);
    if (status === 503) res.setHeader('Retry-After', '5');
    // The first request with the key is still running; its answer is usually there in a second.
    if (body.error.code === 'idempotency_key_in_use') res.setHeader('Retry-After', '1');
    res.status(status).json({ error: answerIn(body.error, language) });
  };
}

function toErrorBody(
  error: unknown,
  language: Language,
): {
  status: number;
  error: { code: string; message: string; fields?: FieldError[] };
} {
  if (error instanceof ZodError)
    return fieldsAnswer('validation_failed', 'The request is invalid; see fields.', fieldErrors(error));
  if (error instanceof LeadflowError) {
    const fields =
      (error instanceof InvalidInput && language !== 'en' ? error.fieldsIn(language) : null) ??
      (Array.isArray(error.details) ? wordedFields(error.details as FieldError[], language) : undefined);
    if (fields) return fieldsAnswer(error.code, error.message, fields);
    return { status: httpStatusFor[error.code], error: { code: error.code, message: error.message } };
  }
  const httpError = error as { type?: string; status?: number; message?: string; body?: unknown; limit?: unknown };
  if (httpError.type === 'entity.parse.failed') {
    const valueKind = jsonKindOf(httpError.body);
    if (valueKind !== undefined)
      return {
        status: 400,
        error: {
          code: 'validation_failed',
          message: `The request body must be a JSON object; it is ${valueKind}.`,
          fields: [{ path: '(body)', message: `must be a JSON object, not ${valueKind}` }],
        },
      };
    return {
      status: 400,
      error: {
        code: 'malformed_json',
        message: `The request body is not valid JSON: ${httpError.message ?? ''}`.trim(),
      },
    };
  }
  if (httpError.type === 'entity.too.large') {
    // JSON bodies allow 256 kB; a CSV import allows more (src/api/routes/marketing.ts).
    const limit = typeof httpError.limit === 'number' ? Math.round(httpError.limit / 1024) : 256;
    return {
      status: 413,
      error: { code: 'payload_too_large', message: `The request body is too large (limit ${limit} kB).` },
    };
  }
  if (httpError.type === 'charset.unsupported' || httpError.type === 'encoding.unsupported') {
    return {
      status: 415,
      error: { code: 'unsupported_encoding', message: httpError.message ?? 'Unsupported encoding.' },
    };
  }
  // A workflow call that timed out anywhere (a safety net: the use-cases map their own).
  if (isTemporalTimeout(error))
    return { status: 503, error: { code: 'temporal_unavailable', message: TIMED_OUT_MESSAGE } };
  if (isTemporalUnavailable(error))
    return {
      status: 503,
      error: { code: 'temporal_unavailable', message: 'The workflow engine (Temporal) is unreachable. Retry shortly.' },
    };
  if (isDatabaseUnavailable(error))
    return {
      status: 503,
      error: { code: 'database_unavailable', message: 'The database is unreachable. Retry shortly.' },
    };
  if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
    return { status: httpError.status, error: { code: 'bad_request', message: httpError.message ?? 'Bad request.' } };
  }
  return { status: 500, error: { code: 'internal', message: 'An unexpected error occurred; it has been logged.' } };
}

/**
 * Body-parser's strict mode refuses a body that is valid JSON but not an object or array (`null`,
 * `42`, `"x"`) with a misleading "not valid JSON". Names what the body is instead, or `undefined`
 * when it really is not JSON.
 */
function jsonKindOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (value === null) return 'null';
  return typeof value === 'object' ? undefined : `a ${typeof value}`;
}

/** Fields whose `why` has words in the caller's language (a lead identity clash) say them; the rest as they are. */
function wordedFields(fields: FieldError[], language: Language): FieldError[] {
  if (language === 'en') return fields;
  return fields.map((field) => {
    const chinese = language === 'zh-CN' ? chineseClash(field.why) : undefined;
    return chinese ? { ...field, message: chinese } : field;
  });
}

/**
 * A refusal with field messages. Invalid input is a 400, unless every field is well-formed but
 * unknown to this server (`unprocessable`): then it is a 422, as the OpenAPI contract says.
 */
function fieldsAnswer(code: ErrorCode, message: string, fields: FieldError[]) {
  const unknownOnly = code === 'validation_failed' && fields.length > 0 && fields.every((f) => f.unprocessable);
  const finalCode: ErrorCode = unknownOnly ? 'unprocessable' : code;
  return {
    status: httpStatusFor[finalCode],
    error: {
      code: finalCode,
      message,
      fields: fields.map(({ unprocessable: _internal, why: _worded, ...field }) => field),
    },
  };
}
