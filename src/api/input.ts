/**
 * Request input through zod: a body, query or path that does not parse is a 400 with field-level
 * messages (`query.limit`, `params.sku`, or the body's own paths), never a 500.
 */
import type { z } from 'zod';
import { LeadflowError } from '../domain/errors';
import { fieldErrors } from './errors';

type Part = 'body' | 'query' | 'params';

/** Parses one part of a request; `what` names it in the message ("The stakeholder"). */
export function parseInput<S extends z.ZodType>(schema: S, part: Part, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(part === 'body' ? (value ?? {}) : value);
  if (parsed.success) return parsed.data;
  const fields = fieldErrors(parsed.error).map((f) =>
    part === 'body' ? f : { ...f, path: f.path === '(body)' ? part : `${part}.${f.path}` },
  );
  throw new LeadflowError('validation_failed', `${what} is invalid; see fields.`, { details: fields });
}
