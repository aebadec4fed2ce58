import { POLICIES } from './access-policy';
import { errorResponse } from './openapi/common';
import { accountPaths } from './openapi/accounts';
import { auditPaths } from './openapi/audit';
import { dealPaths } from './openapi/deals';
import { meetingPaths } from './openapi/meetings';
import { catalogPaths } from './openapi/catalog';
import { components } from './openapi/common';
import { devPaths } from './openapi/dev';
import { esignPaths } from './openapi/esign';
import { journeyPaths } from './openapi/journey';
import { leadPaths } from './openapi/leads';
import { intakeBatchPaths } from './openapi/intake-batches';
import { materialPaths } from './openapi/materials';
import { peoplePaths, securitySchemes } from './openapi/people';
import { authPaths, authTag } from './openapi/auth';
import { quotePaths } from './openapi/quotes';
import { repPaths } from './openapi/reps';
import { revenueDataPaths } from './openapi/revenue-data';
import { importPaths } from './openapi/imports';
import { rulesPaths } from './openapi/rules';
import { backtestPaths } from './openapi/backtests';
import { shadowPaths } from './openapi/shadows';
import { systemPaths } from './openapi/system';
import { unsubscribePaths } from './openapi/unsubscribe';
import { analyticsComponents, analyticsPaths } from './openapi/analytics';
import { workPaths } from './openapi/work';
import { workspacePaths } from './openapi/workspace';

const tags = [
  { name: 'leads', description: 'Capture, list and inspect leads.' },
  {
    name: 'journey',
    description: "Commands on a lead's running journey (Temporal updates); each honours Idempotency-Key.",
  },
  { name: 'rules', description: 'The active RevOps rules, their validation and stored versions.' },
  { name: 'reps', description: 'The sales rep roster routing assigns to.' },
  { name: 'people', description: "Who is calling, and people's API tokens (Authorization: Bearer lf_…)." },
  authTag,
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
    name: 'forecast',
    description:
      "A deal's expected close date and forecast category (forecast.yaml, with overrides), and the loss reason codes (loss-reasons.yaml).",
  },
  {
    name: 'tasks',
    description:
      "A person's tasks (cadence calls, SLA and renewal reminders, and tasks made by hand) and My work, the day's worklist.",
  },
  { name: 'quotas', description: "Reps' and teams' quotas per month or quarter." },
  {
    name: 'marketing',
    description: 'Campaigns and marketing spend per source, campaign and month (API or CSV import).',
  },
  { name: 'imports', description: 'Past leads and closed deals from another CRM (CSV), for baseline figures.' },
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
  {
    name: 'unsubscribe',
    description:
      "Recipients' one-click unsubscribe from marketing email (RFC 8058). Public: the link's HMAC signature is the only credential.",
  },
  {
    name: 'analytics',
    description:
      'Sales analytics: funnel, speed, deals, pipeline, deal desk, activity, win/loss, channels, retention and rule attribution, each with drill-down and CSV.',
  },
  { name: 'dev', description: 'Development tools (mounted only when the embedded mail server runs).' },
  { name: 'system', description: 'Health, operations metrics, this document and the dashboard.' },
];

/**
 * The OpenAPI 3.1 description of the API, generated from the same zod schemas that validate
 * requests, so the document cannot drift from the behaviour. One module per tag in ./openapi/;
 * test/api/openapi.test.ts fails when a route is registered without being documented here.
 */
export function openApiDocument(serverUrl?: string) {
  const document = {
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
      ...intakeBatchPaths,
      ...journeyPaths,
      ...rulesPaths,
      ...backtestPaths,
      ...shadowPaths,
      ...repPaths,
      ...peoplePaths,
      ...authPaths,
      ...auditPaths,
      ...accountPaths,
      ...materialPaths,
      ...catalogPaths,
      ...quotePaths,
      ...dealPaths,
      ...workPaths,
      ...meetingPaths,
      ...workspacePaths,
      ...revenueDataPaths,
      ...importPaths,
      ...esignPaths,
      ...unsubscribePaths,
      ...analyticsPaths,
      ...devPaths,
      ...systemPaths,
    },
    components: { ...components, schemas: { ...components.schemas, ...analyticsComponents }, securitySchemes },
  };
  return withInputRefusals(withAccessPolicies(document));
}

/**
 * The refusals any operation with input can give, by leadflow's contract (docs/api.md,
 * "Errors"): 400 for input that breaks this document, 413 for a body over 256 kB, and 422 for a
 * body that fits the document but clashes with another field or with what is stored.
 */
function withInputRefusals<T extends { paths: Record<string, Record<string, Operation & { parameters?: unknown[] }>> }>(
  document: T,
): T {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const responses = (operation.responses ??= {});
      if ((operation.parameters?.length ?? 0) > 0 || hasBody(operation))
        responses['400'] ??= errorResponse('Invalid input (`validation_failed`, field-level messages in `fields`).');
      if (!hasBody(operation)) continue;
      responses['413'] ??= errorResponse('The request body is over 256 kB (`payload_too_large`).');
      responses['422'] ??= errorResponse(
        'Well-formed, but it clashes with another field or with what is stored (`unprocessable`, with `fields`; or `not_allowed`).',
      );
    }
  }
  return document;
}

type Operation = {
  description?: string;
  security?: unknown;
  responses?: Record<string, unknown>;
  [extension: `x-${string}`]: unknown;
};

/**
 * Publishes each operation's access policy (./access-policy.ts): `security`, an
 * `x-leadflow-access` extension, a sentence in the description, and the 401/403/404 answers the
 * access check gives. An operation without a policy is left as it is; the authorization matrix
 * test fails on it.
 */
function withAccessPolicies<T extends { paths: Record<string, Record<string, Operation>> }>(document: T): T {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const policy = POLICIES[`${method.toUpperCase()} ${path}`];
      if (!policy) continue;
      operation['x-leadflow-access'] = policy;
      const responses = (operation.responses ??= {});
      if (policy.access !== 'token') {
        operation.security = [];
        operation.description = joinSentences(operation.description, `Access: ${policy.access} (${policy.why}).`);
        continue;
      }
      operation.security = [{ bearerAuth: [] }];
      responses['401'] ??= errorResponse('No token, or the token does not authenticate (`unauthorized`).');
      const roles = policy.roles ? `, of a person with the role ${policy.roles.join(' or ')}` : '';
      const scope = policy.scope === 'any' ? 'any valid token' : `a token with the \`${policy.scope}\` scope`;
      if (policy.scope !== 'any' || policy.roles)
        responses['403'] ??= errorResponse(
          `The token lacks the scope or role this needs, or names another tenant (\`forbidden\`).`,
        );
      if (policy.record)
        responses['404'] ??= errorResponse(
          `No such ${policy.record.kind} in the caller's sight (\`not_found\`): one out of sight answers exactly like one that does not exist.`,
        );
      if (hasBody(operation)) responses['400'] ??= errorResponse('Invalid input (`validation_failed`).');
      const record = policy.record
        ? ` The ${policy.record.kind} must be in the caller's sight${policy.record.need === 'write' ? ' and theirs to change' : ''}.`
        : '';
      operation.description = joinSentences(operation.description, `Access: ${scope}${roles}.${record}`);
    }
  }
  return document;
}

function hasBody(operation: Operation): boolean {
  return 'requestBody' in operation;
}

function joinSentences(before: string | undefined, sentence: string): string {
  return before ? `${before}\n\n${sentence}` : sentence;
}
