import { z } from 'zod';
import { ErrorResponseSchema } from '../schemas';

/** Shared building blocks of the OpenAPI document; every schema comes from the zod schemas the routes use. */

export type Io = 'input' | 'output';
type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema (2020-12, which OpenAPI 3.1 uses), without the `$schema` marker. */
export function jsonSchema(schema: z.ZodType, io: Io = 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export const json = (schema: z.ZodType, io: Io = 'output') => ({
  'application/json': { schema: jsonSchema(schema, io) },
});

/** A JSON request body validated by `schema`. */
export const body = (schema: z.ZodType) => ({ required: true, content: json(schema, 'input') });

/** A response described in words (its handler's shape has no zod schema). */
export const described = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

/** An error response: `{ error: { code, message, fields? } }`. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** The usual error responses, by status; pick with `errors('400', '404', …)` or override with a specific description. */
const standardErrors = {
  '400': 'Malformed JSON (`malformed_json`) or invalid input (`validation_failed`, field-level messages in `fields`).',
  '404': 'No such resource (`not_found`).',
  '401': 'The request is not authorised (`unauthorized`), e.g. a webhook without a valid signature.',
  '409': 'The journey rejected the command in its current state (`conflict`), e.g. BANT on a lead that is not an MQL.',
  '413': 'The request body is over 256 kB (`payload_too_large`).',
  '503':
    'A dependency is unreachable (`temporal_unavailable`, `database_unavailable` or `rules_unavailable`); retry after `Retry-After` seconds.',
} as const;
export type ErrorStatus = keyof typeof standardErrors;

export function errors(...statuses: (ErrorStatus | [ErrorStatus, string])[]) {
  return Object.fromEntries(
    statuses.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, standardErrors[entry]];
      return [status, errorResponse(description)];
    }),
  );
}

/** A path parameter validated by `schema`. */
export const pathParam = (name: string, schema: z.ZodType, description?: string) => ({
  name,
  in: 'path',
  required: true,
  ...(description ? { description } : {}),
  schema: jsonSchema(schema, 'input'),
});

/** One query parameter per property of the zod object the route parses `req.query` with. */
export function queryParams(schema: z.ZodType) {
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: (object.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

export const idempotencyKeyRef = { $ref: '#/components/parameters/IdempotencyKey' };

export const components = {
  schemas: {
    Error: jsonSchema(ErrorResponseSchema),
  },
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Retrying the command with the same key applies it once (it becomes the Temporal update id).',
      schema: { type: 'string' },
    },
  },
};

/** `If-Match: "3"` (or 3, W/"3"): the revision a write read (src/api/input.ts expectedRevisionOf). */
export const ifMatchParam = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: 'The revision you read, e.g. `"3"` (or send `revision` in the body).',
  // Spaces and tabs (HTTP's optional whitespace) and ASCII digits only: `\s` and `\d` mean more in
  // some regex dialects (Python's take Unicode digits), and the server reads exactly these.
  schema: { type: 'string', pattern: '^[ \t]*(?:W/)?"?[0-9]{1,9}"?[ \t]*$' },
};

/** The refusals of a write that names the revision it read. */
export const revisionRefusals = {
  '422': errorResponse(
    'If-Match and `revision` name different revisions, or the change clashes with what is stored (`unprocessable`).',
  ),
  '428': errorResponse('No revision named, in If-Match or `revision` (`precondition_required`).'),
};
