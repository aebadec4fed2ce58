import { auditPaths } from './openapi/audit';
import { components } from './openapi/common';
import { devPaths } from './openapi/dev';
import { journeyPaths } from './openapi/journey';
import { leadPaths } from './openapi/leads';
import { peoplePaths, securitySchemes } from './openapi/people';
import { repPaths } from './openapi/reps';
import { rulesPaths } from './openapi/rules';
import { systemPaths } from './openapi/system';

const tags = [
  { name: 'leads', description: 'Capture, list and inspect leads.' },
  { name: 'journey', description: 'Commands on a lead\'s running journey (Temporal updates); each honours Idempotency-Key.' },
  { name: 'rules', description: 'The active RevOps rules, their validation and stored versions.' },
  { name: 'reps', description: 'The sales rep roster routing assigns to.' },
  { name: 'people', description: 'Who is calling, and people\'s API tokens (Authorization: Bearer lf_…).' },
  { name: 'audit', description: 'The audit trail: who did what, when and why.' },
  { name: 'dev', description: 'Development tools (mounted only when the embedded mail server runs).' },
  { name: 'system', description: 'Health, this document and the dashboard.' },
];

/**
 * The OpenAPI 3.1 description of the API, generated from the same zod schemas that validate
 * requests, so the document cannot drift from the behaviour. One module per tag in ./openapi/;
 * test/api/openapi.test.ts fails when a route is registered without being documented here.
 */
export function openApiDocument(serverUrl?: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'leadflow API',
      version: '0.1.0',
      description:
        'Lead-to-close automation: capture leads into durable Temporal journeys and inspect them. Errors are `{ error: { code, message, fields? } }`.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags,
    paths: { ...leadPaths, ...journeyPaths, ...rulesPaths, ...repPaths, ...peoplePaths, ...auditPaths, ...devPaths, ...systemPaths },
    components: { ...components, securitySchemes },
  };
}
