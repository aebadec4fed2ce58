/**
 * Request input through zod: a body, query or path that does not parse is a 400 with field-level
 * messages (`query.limit`, `params.sku`, or the body's own paths), never a 500.
 */
import type { z } from 'zod';
import { LeadflowError } from '../domain/errors';
import { fieldErrors, InvalidInput, type FieldError } from './errors';
import { chineseFieldErrors } from './zod-words';

type Part = 'body' | 'query' | 'params';

/**
 * Parses one part of a request; `what` names it in the message ("The stakeholder"). The field
 * messages are English; the error boundary asks for them again in a Chinese reader's language.
 */
export function parseInput<S extends z.ZodType>(schema: S, part: Part, value: unknown, what: string): z.output<S> {
  const input = part === 'body' ? (value ?? {}) : value;
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalidInput(`${what} is invalid; see fields.`, schema, input, parsed.error, (fields) =>
    fields.map((f) => (part === 'body' ? f : { ...f, path: f.path === '(body)' ? part : `${part}.${f.path}` })),
  );
}

/**
 * The 400 for `value` that `schema` refused with `error`: English field messages, and in Chinese
 * on request (the value parsed again with the Chinese error map, ./zod-words.ts). `place` moves
 * the paths (`query.limit`).
 */
export function invalidInput(
  message: string,
  schema: z.ZodType,
  value: unknown,
  error: z.ZodError,
  place: (fields: FieldError[]) => FieldError[] = (fields) => fields,
): InvalidInput {
  return new InvalidInput(message, place(fieldErrors(error)), (language) => {
    const worded = language === 'zh-CN' ? chineseFieldErrors(schema, value, (e) => fieldErrors(e, language)) : null;
    return worded && place(worded);
  });
}

/** The revision a write names (optimistic concurrency): `If-Match: "3"` (or 3, W/"3") or `revision` in the body; both must agree. */
export function expectedRevisionOf(
  ifMatch: string | undefined,
  bodyRevision: number | undefined,
  what: string,
): number {
  const fromHeader = ifMatch === undefined ? undefined : /^[ \t]*(?:W\/)?"?([0-9]{1,9})"?[ \t]*$/.exec(ifMatch)?.[1];
  if (ifMatch !== undefined && fromHeader === undefined) {
    throw new LeadflowError('validation_failed', 'The If-Match header is invalid.', {
      details: [{ path: 'header.If-Match', message: 'must be the revision you read, e.g. "3"' }],
    });
  }
  const headerRevision = fromHeader === undefined ? undefined : Number(fromHeader);
  if (headerRevision !== undefined && bodyRevision !== undefined && headerRevision !== bodyRevision) {
    throw new LeadflowError('validation_failed', `${what} is invalid; see fields.`, {
      // Both well-formed, but they disagree: a 422 (FieldError.unprocessable).
      details: [
        {
          path: 'revision',
          message: `says ${bodyRevision} but If-Match says ${headerRevision}; send one`,
          unprocessable: true,
        },
      ],
    });
  }
  const revision = headerRevision ?? bodyRevision;
  if (revision === undefined) {
    // RFC 6585: the write must be conditional, and this one is not.
    throw new LeadflowError('precondition_required', `${what} is invalid; see fields.`, {
      details: [
        {
          path: 'revision',
          message:
            'is required: send the revision you read as If-Match or as "revision", so a concurrent edit is not overwritten',
        },
      ],
    });
  }
  return revision;
}
