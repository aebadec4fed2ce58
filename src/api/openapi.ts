import { accountPaths } from './openapi/accounts';
import { auditPaths } from './openapi/audit';
import { dealPaths } from './openapi/deals';
import { catalogPaths } from './openapi/catalog';
import { components } from './openapi/common';
import { devPaths } from './openapi/dev';
import { esignPaths } from './openapi/esign';
import { journeyPaths } from './openapi/journey';
import { leadPaths } from './openapi/leads';
import { materialPaths } from './openapi/materials';
import { peoplePaths, securitySchemes } from './openapi/people';
import { quotePaths } from './openapi/quotes';
import { repPaths } from './openapi/reps';
import { rulesPaths } from './openapi/rules';
import { systemPaths } from './openapi/system';

const tags = [
  { name: 'leads', description: 'Capture, list and inspect leads.' },
  {
    name: 'journey',
    description: "Commands on a lead's running journey (Temporal updates); each honours Idempotency-Key.",
  },
  { name: 'rules', description: 'The active RevOps rules, their validation and stored versions.' },
  { name: 'reps', description: 'The sales rep roster routing assigns to.' },
  { name: 'people', description: "Who is calling, and people's API tokens (Authorization: Bearer lf_…)." },
  { name: 'audit', description: 'The audit trail: who did what, when and why.' },
  {
    name: 'deals',
    description:
      'The opportunity pipeline: converting an SQL, stages with exit criteria from approvals.yaml, meetings and demos.',
  },
  {
    name: 'approvals',
    description: "Discount approvals: approvers' queues, requests with their steps and audit trail, and decisions.",
  },
  {
    name: 'signatures',
    description: 'E-signature: providers report signed, declined and voided envelopes (HMAC-signed webhooks).',
  },
  { name: 'deal-records', description: "A deal's stakeholders (and their graph), needs analysis and timeline." },
  {
    name: 'materials',
    description: 'The sales-materials library (latest versions for reps) and the materials sent to deals.',
  },
  { name: 'catalog', description: 'Products, price books and quote templates.' },
  {
    name: 'quotes',
    description:
      'The quote builder: quotes on deals, their versions (optimistic concurrency by revision), differences, and HTML/PDF documents.',
  },
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
    paths: {
      ...leadPaths,
      ...journeyPaths,
      ...rulesPaths,
      ...repPaths,
      ...peoplePaths,
      ...auditPaths,
      ...accountPaths,
      ...materialPaths,
      ...catalogPaths,
      ...quotePaths,
      ...dealPaths,
      ...esignPaths,
      ...devPaths,
      ...systemPaths,
    },
    components: { ...components, securitySchemes },
  };
}
