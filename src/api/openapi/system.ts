import { HealthResponseSchema } from '../schemas';
import { errorResponse, json } from './common';

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
  '/metrics': {
    get: {
      operationId: 'metrics',
      tags: ['system'],
      summary: 'Operations metrics for Prometheus',
      description:
        "The Prometheus text exposition (format 0.0.4) of this process's counters (intakes, emails, rule evaluations, SLA breaches, HTTP requests, process metrics) and the state read from the database (journeys by stage, SLAs running, outbox backlog, approvals waiting). Counts by bounded labels only, never a lead, email or person. Every metric is listed in docs/operations.md (Metrics).",
      responses: {
        '200': {
          description: 'The metrics, as Prometheus scrapes them.',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        '403': errorResponse(
          "The token lacks the `metrics` scope, or belongs to another tenant than the installation's (`forbidden`): the figures count every tenant.",
        ),
      },
    },
  },
  '/': {
    get: {
      operationId: 'workspace',
      tags: ['system'],
      summary: 'The sales workspace',
      description:
        'The web workspace for sales people (My work, leads, pipeline board, deals, approvals, renewals). The same page answers its other paths (/leads, /leads/{id}, /board, /deals/{id}, /approvals, /approvals/{id}, /renewals); it holds no data and signs in with a token.',
      responses: {
        '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
        '503': {
          description: 'The workspace is not built (run npm install)',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
  },
  '/console': {
    get: {
      operationId: 'console',
      tags: ['system'],
      summary: 'The operations console',
      description: 'System health, lead capture, the MQL queue and the deal desk, for operators.',
      responses: { '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
};
