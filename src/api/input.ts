/**
 * Request input through zod: a body, query or path that does not parse is a 400 with field-level
 * messages (`query.limit`, `params.sku`, or the body's own paths), never a 500.
 */
import type { z } from 'zod';
import { LeadflowError } from '../domain/errors';
import { fieldErrors, InvalidInput, type FieldError } from './errors';
import { chineseFieldErrors, ruleWords, type RuleCode, type Values } from './zod-words';

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
    part === 'body' ? fields : under(part)(fields),
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
  return invalidInputs(message, [{ schema, value, error, place }]);
}

/** One refused part of a request, for `invalidInputs`. */
export interface Refused {
  schema: z.ZodType;
  value: unknown;
  error: z.ZodError;
  place?: (fields: FieldError[]) => FieldError[];
}

/**
 * The 400 for several refused parts of one request (the path's email and the body), their fields
 * in the order given, each worded in Chinese on request as `invalidInput` does.
 */
export function invalidInputs(message: string, refused: Refused[]): InvalidInput {
  const keep = (fields: FieldError[]) => fields;
  const english = refused.flatMap(({ error, place = keep }) => place(fieldErrors(error)));
  return new InvalidInput(message, english, (language) => {
    if (language !== 'zh-CN') return null;
    const worded = refused.map(({ schema, value, place = keep }) => {
      const fields = chineseFieldErrors(schema, value, (e) => fieldErrors(e, language));
      return fields && place(fields);
    });
    return worded.every((fields) => fields !== null) ? worded.flat() : null;
  });
}

/** Places every field of a refused value at one path (`params.email`): the value is the whole part. */
export const at =
  (path: string) =>
  (fields: FieldError[]): FieldError[] =>
    fields.map((f) => ({ ...f, path }));

/** Places the fields under a part (`query.tenant`; the part itself for the whole value). */
export const under =
  (part: string) =>
  (fields: FieldError[]): FieldError[] =>
    fields.map((f) => ({ ...f, path: f.path === '(body)' ? part : `${part}.${f.path}` }));

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

/**
 * A refused part of a request for `invalidInputs` (none when it parsed): the whole value at `path`
 * (`params.email`), or the body's own paths.
 */
export function refusedAt(
  path: string | undefined,
  schema: z.ZodType,
  value: unknown,
  error: z.ZodError | undefined,
): Refused[] {
  return error ? [{ schema, value, error, ...(path ? { place: at(path) } : {}) }] : [];
}

/**
 * A 422 for two well-formed values that break a rule between them, checked after parsing
 * (`query.until` before `since`): one field at `path`, worded in the caller's language by its code.
 */
export function brokenRule(message: string, path: string, code: RuleCode, values: Values = {}): InvalidInput {
  const field = (language: 'en' | 'zh-CN'): FieldError[] => [
    { path, message: ruleWords(code, values, language), unprocessable: true },
  ];
  return new InvalidInput(message, field('en'), (language) => (language === 'zh-CN' ? field(language) : null));
}
