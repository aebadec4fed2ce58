import { z } from 'zod';
import { ErrorResponseSchema, HealthResponseSchema, LeadInputSchema, LeadResponseSchema, SubmissionResponseSchema } from './schemas';

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: z.toJSONSchema(schema, { io, unrepresentable: 'any' }) },
});
const errorResponse = (description: string) => ({ description, content: json(ErrorResponseSchema) });

/**
 * The OpenAPI 3.1 description of the API, generated from the same zod schemas that validate
 * requests, so the document cannot drift from the behaviour.
 */
export function openApiDocument(serverUrl?: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'leadflow API',
      version: '0.1.0',
      description: 'Lead-to-close automation: capture leads into durable Temporal journeys and inspect them.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths: {
      '/api/leads': {
        post: {
          operationId: 'captureLead',
          summary: 'Capture a lead (idempotent: a repeat submission merges into the existing journey)',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Retrying with the same key records the submission once and returns the same outcome.',
              schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
            },
          ],
          requestBody: { required: true, content: json(LeadInputSchema, 'input') },
          responses: {
            '201': { description: 'A new lead and journey were created.', content: json(SubmissionResponseSchema) },
            '200': { description: 'The submission was merged into the existing journey.', content: json(SubmissionResponseSchema) },
            '202': { description: 'The journey holds the submission; it will be stored as soon as possible.', content: json(SubmissionResponseSchema) },
            '400': errorResponse('Malformed JSON or invalid fields (field-level messages in `fields`).'),
            '503': errorResponse('Temporal or the database is unreachable; nothing was captured.'),
          },
        },
      },
      '/api/leads/{id}': {
        get: {
          operationId: 'getLead',
          summary: 'A stored lead with its history and live journey state',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The lead.', content: json(LeadResponseSchema) },
            '404': errorResponse('No such lead.'),
            '503': errorResponse('The database is unreachable.'),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Status of Temporal, the database and the rules',
          responses: {
            '200': { description: 'Everything is up (or only the rules are degraded).', content: json(HealthResponseSchema) },
            '503': { description: 'Temporal or the database is down.', content: json(HealthResponseSchema) },
          },
        },
      },
      '/openapi.json': { get: { operationId: 'openapi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } } },
    },
  };
}
