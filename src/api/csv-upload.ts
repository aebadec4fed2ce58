/**
 * CSV uploads (history import, attendee lists, marketing spend): the file is the request body,
 * `Content-Type: text/csv`. The body parser, the `delimiter` query parameter, the check that a
 * body came as text, and the `<field>Column` overrides are the same for every upload route.
 */
import express, { type Request } from 'express';
import { z } from 'zod';
import { LeadflowError } from '../domain/errors';

/** Reads a text/csv (or text/plain) body of at most `limit`. */
export function csvUpload(limit: string | number) {
  return express.text({ type: ['text/csv', 'text/plain'], limit });
}

/** The `delimiter` query parameter: comma, semicolon or tab (default comma). */
export const delimiterParam = z
  .enum(['comma', 'semicolon', 'tab'], { error: 'must be comma, semicolon or tab' })
  .default('comma')
  .meta({ description: 'What separates the values (semicolon for many European spreadsheet exports).' });

export const DELIMITERS = { comma: ',', semicolon: ';', tab: '\t' } as const;

/** The uploaded file's text, or 400 naming the body when it did not come as CSV text. */
export function csvText(req: Request): string {
  const body: unknown = req.body;
  if (typeof body === 'string') return body;
  throw new LeadflowError(
    'validation_failed',
    'Send the CSV file itself as the request body, with Content-Type: text/csv.',
    {
      details: [
        {
          path: 'body',
          message: `must be CSV text (Content-Type: text/csv), got ${req.get('content-type') ?? 'no content type'}`,
        },
      ],
    },
  );
}

/** The column headers named by `<field>Column` query parameters, by field (only those given). */
export function namedColumns<F extends string>(
  fields: readonly F[],
  query: Partial<Record<`${F}Column`, string | undefined>>,
): Partial<Record<F, string>> {
  const columns: Partial<Record<F, string>> = {};
  for (const field of fields) {
    const header = query[`${field}Column`];
    if (header !== undefined) columns[field] = header;
  }
  return columns;
}
