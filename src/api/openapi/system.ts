import { HealthResponseSchema } from '../schemas';
import { json } from './common';

export const systemPaths = {
  '/health': {
    get: {
      operationId: 'health',
      tags: ['system'],
      summary: 'Status of Temporal, the database and the rules',
      responses: {
        '200': {
          description: 'Everything is up (or only the rules are degraded).',
          content: json(HealthResponseSchema),
        },
        '503': { description: 'Temporal or the database is down.', content: json(HealthResponseSchema) },
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openapi',
      tags: ['system'],
      summary: 'This document',
      responses: {
        '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  },
  '/': {
    get: {
      operationId: 'dashboard',
      tags: ['system'],
      summary: 'The web dashboard',
      responses: { '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
};
