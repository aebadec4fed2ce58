/**
 * The access policy of every API operation, in one table: who may call it (public, a verified
 * signature, or a token with a scope and perhaps a role) and which record in the path it touches.
 * The middleware in ./access.ts enforces it before any handler runs, the OpenAPI document
 * publishes it (`security` and `x-leadflow-access`), and test/api/authorization-matrix.int.test.ts
 * fails when an operation has no policy here.
 */
import { PERSON_ROLES, type PersonRole } from '../auth/actor';
import type { Scope } from '../auth/scopes';
import type { Need, RecordKind } from '../usecases/visibility';

/** The record a path parameter names, and whether the operation reads or changes it. */
export interface RecordRule {
  kind: RecordKind;
  param: string;
  need: Need;
}

export type Policy =
  /** Anyone, no token: health checks, the API description, the dashboard's page. */
  | { access: 'public'; why: string }
  /** No token; the handler verifies an HMAC signature over the body instead. */
  | { access: 'signature'; why: string }
  /** A token with `scope` (`any`: every valid token), of a person with one of `roles` if given. */
  | {
      access: 'token';
      scope: Scope | 'any';
      roles?: readonly PersonRole[];
      record?: RecordRule;
      /** What the operation does, for refusals: "Changing the product catalogue needs …". */
      what?: string;
    };

const read = (record?: RecordRule): Policy => ({ access: 'token', scope: 'read', ...(record ? { record } : {}) });
const write = (record?: RecordRule, roles?: readonly PersonRole[], what?: string): Policy => ({
  access: 'token',
  scope: 'write',
  ...(record ? { record } : {}),
  ...(roles ? { roles } : {}),
  ...(what ? { what } : {}),
});
const admin = (what: string): Policy => ({ access: 'token', scope: 'admin', roles: ['revops'], what });

/** Roles that may publish sales materials. */
export const MATERIAL_PUBLISHERS: readonly PersonRole[] = ['revops', 'manager', 'director', 'vp'];
/** Roles that may import an event's attendee list (marketing's work, done by revops and sales leaders). */
export const ATTENDEE_IMPORTERS: readonly PersonRole[] = ['revops', 'manager', 'director', 'vp'];
/** Roles that may set quotas: revops anyone's, the others those of the people below them (src/usecases/quotas.ts). */
export const QUOTA_SETTERS: readonly PersonRole[] = ['revops', 'manager', 'director', 'vp'];
/** Roles that read rules shadows' reports: RevOps, who runs them, and the sales leaders whose leads they would move. */
export const SHADOW_READERS: readonly PersonRole[] = ['revops', 'manager', 'director', 'vp'];
/** Roles that read marketing spend: channel economics are for managers, finance and revops, not reps. */
export const SPEND_READERS: readonly PersonRole[] = ['revops', 'manager', 'director', 'vp', 'finance'];

const lead = (need: Need): RecordRule => ({ kind: 'lead', param: 'id', need });
const deal = (need: Need): RecordRule => ({ kind: 'deal', param: 'dealId', need });
const quote = (need: Need): RecordRule => ({ kind: 'quote', param: 'quoteId', need });
const task = (need: Need): RecordRule => ({ kind: 'task', param: 'taskId', need });
/** Every role of a person: an integration has no "me" to show work for. */
const PEOPLE: readonly PersonRole[] = PERSON_ROLES;
/** Approvers decide on requests about deals they may not change: the workflow checks the step is theirs. */
const approval: RecordRule = { kind: 'approval', param: 'requestId', need: 'read' };

/** `METHOD /path/{param}` → policy, for every operation of the OpenAPI document. */
export const POLICIES: Record<string, Policy> = {
  'GET /health': { access: 'public', why: 'load balancers and monitors probe it' },
  'GET /openapi.json': { access: 'public', why: 'the API description holds no data' },
  'GET /': { access: 'public', why: 'the workspace page signs in with a token; it holds no data' },
  'GET /console': { access: 'public', why: 'the operations console page signs in with a token; it holds no data' },
  // Counts only, never a record; the handler refuses tokens of other tenants (the counts span them all).
  'GET /metrics': { access: 'token', scope: 'metrics', what: 'Reading the operations metrics' },
  'POST /api/webhooks/forms': { access: 'signature', why: 'form tools sign the body with the webhook secret' },
  'POST /api/webhooks/esign/{provider}': { access: 'signature', why: 'the provider signs the body' },
  'GET /u/{token}': {
    access: 'signature',
    why: "an email recipient's unsubscribe link is HMAC-signed; the page only asks to confirm",
  },
  'POST /u/{token}': { access: 'signature', why: "an email recipient's unsubscribe link is HMAC-signed" },

  'POST /api/leads': { access: 'token', scope: 'intake' },
  // Whoever may capture may follow a capture up; the handler finds only the caller's tenant's.
  'GET /api/captures/{submissionId}': { access: 'token', scope: 'intake' },
  // Whoever may capture one lead may capture many (a form tool's or a CRM's integration token too).
  'POST /api/leads/batch': { access: 'token', scope: 'intake' },
  'POST /api/imports/attendees': {
    access: 'token',
    scope: 'intake',
    roles: ATTENDEE_IMPORTERS,
    what: "Importing an event's attendee list",
  },
  'GET /api/intake-batches': { access: 'token', scope: 'intake' },
  'GET /api/intake-batches/{batchId}': { access: 'token', scope: 'intake' },
  'GET /api/intake-batches/{batchId}/errors.csv': { access: 'token', scope: 'intake' },
  'POST /api/leads/{id}/events': { access: 'token', scope: 'intake', record: lead('write') },
  'GET /api/leads': read(),
  'GET /api/leads/{id}': read(lead('read')),
  'GET /api/leads/{id}/timeline': read(lead('read')),
  'POST /api/leads/{id}/bant': write(lead('write')),
  'POST /api/leads/{id}/disqualify': write(lead('write')),
  'POST /api/leads/{id}/reassign': write(lead('write')),
  'POST /api/leads/{id}/cadence': write(lead('write')),
  'POST /api/leads/{id}/convert': write(lead('write')),

  'GET /api/rules': read(),
  'GET /api/rules/labels': read(),
  'POST /api/rules/validate': read(),
  'GET /api/rules/versions': read(),
  'GET /api/rules/versions/{hash}': read(),
  'GET /api/rules/activations': read(),
  // The live rules are the installation's, shared by every tenant: the handler refuses other tenants (403).
  'POST /api/rules/activations': admin('Activating a stored rules version'),
  'GET /api/rules/diff': read(),
  // Backtests replay the whole tenant's history (every lead, quote and rep): RevOps' tool.
  'POST /api/rules/backtests': admin('Backtesting candidate rules'),
  'GET /api/rules/backtests/{backtestId}': admin('Reading a backtest'),
  'DELETE /api/rules/backtests/{backtestId}': admin('Deleting a backtest'),
  'GET /api/rules/backtests/{backtestId}/report.html': admin('Reading a backtest'),
  'GET /api/rules/backtests/{backtestId}/changes': admin('Reading a backtest'),
  'GET /api/rules/backtests/{backtestId}/changes.csv': admin('Reading a backtest'),
  'POST /api/rules/shadows': admin('Shadowing candidate rules'),
  'GET /api/rules/shadows': { access: 'token', scope: 'read', roles: SHADOW_READERS, what: 'Reading rules shadows' },
  'GET /api/rules/shadows/{shadowId}': {
    access: 'token',
    scope: 'read',
    roles: SHADOW_READERS,
    what: "Reading a rules shadow's report",
  },
  'POST /api/rules/shadows/{shadowId}/end': admin('Ending a rules shadow'),

  'GET /api/reps': read(),
  'GET /api/reps/{email}': read(),
  'PUT /api/reps/{email}': write(),

  'GET /api/me': { access: 'token', scope: 'any' },
  'PATCH /api/me': { access: 'token', scope: 'any', roles: PEOPLE, what: 'Saving your language' },

  // Getting in with a password (src/usecases/accounts.ts): the way in cannot need a token. Sign-in
  // and "forgot password" are rate-limited per address and per email (src/api/abuse/sign-in-limits.ts).
  'POST /api/auth/sessions': {
    access: 'public',
    why: 'signing in with email and password is how a person gets a token',
  },
  'DELETE /api/auth/sessions/current': { access: 'token', scope: 'any', what: 'Signing out' },
  'POST /api/auth/password-resets': {
    access: 'public',
    why: '"forgot password" is for people who cannot sign in; it answers 202 whether or not the email is known',
  },
  'POST /api/auth/links/lookup': {
    access: 'public',
    why: "the emailed one-time link's secret is the credential; it says only whose link it is",
  },
  'POST /api/auth/password': { access: 'public', why: "the emailed one-time link's secret is the credential" },
  'POST /api/people/{email}/invitation': admin('Inviting a person to choose a password'),
  // A person manages their own tokens; revops manages everyone's.
  'POST /api/people/{email}/tokens': write({ kind: 'person', param: 'email', need: 'write' }),
  'GET /api/people/{email}/tokens': read({ kind: 'person', param: 'email', need: 'write' }),
  'DELETE /api/tokens/{id}': write({ kind: 'token', param: 'id', need: 'write' }),
  'POST /api/integrations/{name}/tokens': admin('Creating an integration token'),
  'GET /api/integrations': admin('Listing integration tokens'),

  'GET /api/audit': read(),

  'GET /api/deals': read(),
  'GET /api/deals/{dealId}': read(deal('read')),
  'GET /api/deals/{dealId}/timeline': read(deal('read')),
  'POST /api/deals/{dealId}/stage': write(deal('write')),
  'POST /api/deals/{dealId}/meetings': write(deal('write')),
  'PATCH /api/deals/{dealId}/meetings/{meetingId}': write(deal('write')),
  'POST /api/deals/{dealId}/meetings/{meetingId}/cancel': write(deal('write')),
  'POST /api/deals/{dealId}/meetings/{meetingId}/outcome': write(deal('write')),
  'GET /api/deals/{dealId}/stakeholders': read(deal('read')),
  'POST /api/deals/{dealId}/stakeholders': write(deal('write')),
  'GET /api/deals/{dealId}/stakeholders/graph': read(deal('read')),
  'GET /api/deals/{dealId}/stakeholders/{contactId}': read(deal('read')),
  'PATCH /api/deals/{dealId}/stakeholders/{contactId}': write(deal('write')),
  'DELETE /api/deals/{dealId}/stakeholders/{contactId}': write(deal('write')),
  'POST /api/deals/{dealId}/stakeholders/{contactId}/engaged': write(deal('write')),
  'GET /api/deals/{dealId}/needs': read(deal('read')),
  'PUT /api/deals/{dealId}/needs': write(deal('write')),
  'POST /api/deals/{dealId}/activities': write(deal('write')),
  'GET /api/deals/{dealId}/activities': read(deal('read')),
  'POST /api/deals/{dealId}/materials': write(deal('write')),
  'GET /api/deals/{dealId}/materials': read(deal('read')),
  'POST /api/deals/{dealId}/quotes': write(deal('write')),
  'GET /api/deals/{dealId}/quotes': read(deal('read')),
  'GET /api/deals/{dealId}/forecast': read(deal('read')),
  'PATCH /api/deals/{dealId}/forecast': write(deal('write')),
  'PUT /api/deals/{dealId}/next-step': write(deal('write')),
  'GET /api/loss-reasons': read(),
  'GET /api/renewals': read(),

  // Tasks: a person's own and (for a manager) their team's; revops the tenant's (src/usecases/tasks.ts).
  'GET /api/tasks': read(),
  'POST /api/tasks': write(),
  'POST /api/tasks/{taskId}/complete': write(task('write')),
  'POST /api/tasks/{taskId}/snooze': write(task('write')),
  'GET /api/me/work': { access: 'token', scope: 'read', roles: PEOPLE, what: 'Reading My work' },

  'PUT /api/quotas': write(undefined, QUOTA_SETTERS, 'Setting quotas'),
  'GET /api/quotas': read(),
  'DELETE /api/quotas/{quotaId}': write(undefined, QUOTA_SETTERS, 'Removing a quota'),

  'POST /api/campaigns': admin('Creating or renaming a campaign'),
  'GET /api/campaigns': read(),
  'POST /api/marketing-spend': admin('Entering marketing spend'),
  'POST /api/marketing-spend/import': admin('Importing marketing spend'),
  'POST /api/imports/history': admin('Importing CRM history'),
  'GET /api/marketing-spend': { access: 'token', scope: 'read', roles: SPEND_READERS, what: 'Reading marketing spend' },
  'DELETE /api/marketing-spend/{spendId}': admin('Removing marketing spend'),

  'POST /api/materials': write(undefined, MATERIAL_PUBLISHERS, 'Publishing a sales material'),
  'GET /api/materials': read(),
  'GET /api/materials/{key}/versions': read(),

  'GET /api/catalog': read(),
  'GET /api/products': read(),
  'GET /api/products/{sku}': read(),
  'POST /api/products': admin('Changing the product catalogue'),
  'PATCH /api/products/{sku}': admin('Changing the product catalogue'),
  'DELETE /api/products/{sku}': admin('Changing the product catalogue'),
  'PUT /api/products/{sku}/prices/{priceBook}/{currency}': admin('Changing a price book'),
  'DELETE /api/products/{sku}/prices/{priceBook}/{currency}': admin('Changing a price book'),
  'GET /api/quote-templates': read(),
  'GET /api/quote-templates/{name}': read(),
  'POST /api/quote-templates': admin('Changing quote templates'),
  'PUT /api/quote-templates/{name}': admin('Changing quote templates'),
  'DELETE /api/quote-templates/{name}': admin('Changing quote templates'),

  'GET /api/quotes/{quoteId}': read(quote('read')),
  'PUT /api/quotes/{quoteId}': write(quote('write')),
  'GET /api/quotes/{quoteId}/versions': read(quote('read')),
  'GET /api/quotes/{quoteId}/versions/{version}': read(quote('read')),
  'GET /api/quotes/{quoteId}/diff': read(quote('read')),
  'GET /api/quotes/{quoteId}/versions/{version}/document': read(quote('read')),
  'POST /api/quotes/{quoteId}/versions/{version}/submit': write(quote('write')),
  'POST /api/quotes/{quoteId}/versions/{version}/send': write(quote('write')),
  'POST /api/quotes/{quoteId}/versions/{version}/signature': write(quote('write')),

  'GET /api/approvals': read(),
  'GET /api/approvals/{requestId}': read(approval),
  'POST /api/approvals/{requestId}/steps/{stepId}/decision': write(approval),
  'POST /api/approvals/{requestId}/steps/{stepId}/delegate': write(approval),

  // Analytics: any reader; the figures cover the caller's sight (src/api/routes/analytics.ts).
  'GET /api/analytics/volume': read(),
  'GET /api/analytics/funnel': read(),
  'GET /api/analytics/speed': read(),
  'GET /api/analytics/deals': read(),
  'GET /api/analytics/pipeline': read(),
  'GET /api/analytics/deal-desk': read(),
  'GET /api/analytics/activity': read(),
  'GET /api/analytics/win-loss': read(),
  'GET /api/analytics/channels': read(),
  'GET /api/analytics/retention': read(),
  'GET /api/analytics/rule-attribution': read(),
  'GET /api/analytics/drill-down': read(),

  'GET /api/dev/mailbox': admin('Reading the development mailbox'),
  'GET /api/dev/mailbox/{id}': admin('Reading the development mailbox'),
};

/** One compiled entry: the template's regular expression and its parameter names. */
interface CompiledPolicy {
  method: string;
  template: string;
  pattern: RegExp;
  params: string[];
  literals: number;
  policy: Policy;
}

function compile(table: Record<string, Policy>): CompiledPolicy[] {
  return Object.entries(table)
    .map(([key, policy]) => {
      const [method, template] = key.split(' ') as [string, string];
      const params: string[] = [];
      const segments = template.split('/').slice(1);
      const source = segments
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          params.push(param[1]!);
          return '([^/]+)';
        })
        .join('/');
      return {
        method,
        template,
        pattern: new RegExp(`^/${source}/?$`),
        params,
        literals: segments.length - params.length,
        policy,
      };
    })
    .sort((a, b) => b.literals - a.literals);
}

const COMPILED = compile(POLICIES);

/** The policy of a request, with its path parameters; undefined when no operation matches. */
export function policyFor(
  method: string,
  path: string,
): { template: string; policy: Policy; params: Record<string, string> } | undefined {
  const verb = method === 'HEAD' ? 'GET' : method;
  for (const entry of COMPILED) {
    if (entry.method !== verb) continue;
    const match = entry.pattern.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(entry.params.map((name, i) => [name, safeDecode(match[i + 1]!)]));
    return { template: entry.template, policy: entry.policy, params };
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The documented resource a path names, and the methods it supports: the template that matches
 * with the most literal segments wins, as in OpenAPI (`/stakeholders/graph` is not the
 * stakeholder called "graph"). `undefined` when the path names no documented resource.
 */
export function resourceFor(path: string): { template: string; methods: string[] } | undefined {
  let best: { template: string; literals: number } | undefined;
  for (const entry of COMPILED) {
    if (!entry.pattern.test(path)) continue;
    if (best === undefined || entry.literals > best.literals) best = entry;
  }
  if (best === undefined) return undefined;
  const methods = COMPILED.filter((entry) => entry.template === best.template).map((entry) => entry.method);
  return { template: best.template, methods: [...new Set(methods)] };
}
