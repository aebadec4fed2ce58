/**
 * The authorization matrix: every operation of /openapi.json, called by eight callers, each case
 * with the outcome this file expects (written here by hand, not read from the implementation's
 * policy table). An operation this file has no row for fails the test, so a new route cannot
 * ship without someone deciding who may call it.
 *
 * Callers: anonymous; rep A and rep B (different teams); A's manager; the manager of the other
 * team (who is also an approver on A's quote, by delegation); revops; an intake-only integration
 * token; and revops of another tenant.
 *
 * A caller who is allowed sends an invalid body where the operation takes one, so nothing
 * changes and the answer is a 400 from the handler: proof that authorization let it through
 * (the access check runs before any validation). Denied callers get 401 (no token), 403 (the
 * token lacks the scope or role, or the record is theirs to read but not to change) or 404 (the
 * record is out of their sight, answered exactly like a record that does not exist).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';
import { createPersonToken } from '../support/system';
import { issueIntegrationToken } from '../../src/auth/tokens';

const CALLERS = ['anonymous', 'repA', 'repB', 'managerA', 'managerB', 'revops', 'intake', 'otherTenant'] as const;
type Caller = (typeof CALLERS)[number];
/** ok: authorization let the call through (any answer but 401, 403 or 404). */
type Outcome = 'ok' | 401 | 403 | 404;
type Row = Record<Caller, Outcome>;

const row = (
  anonymous: Outcome,
  repA: Outcome,
  repB: Outcome,
  managerA: Outcome,
  managerB: Outcome,
  revops: Outcome,
  intake: Outcome,
  otherTenant: Outcome,
): Row => ({ anonymous, repA, repB, managerA, managerB, revops, intake, otherTenant });

// The shapes of access, as a sales organisation expects them. Columns:
//                                  anon  repA   repB   mgrA   mgrB   revops intake other
const PUBLIC = row('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');
const SIGNED = row(401, 401, 401, 401, 401, 401, 401, 401); // no valid signature, whoever calls
/** An unsubscribe link whose signature does not verify is not found, whoever calls (tokens do not matter). */
const SIGNED_LINK = row(404, 404, 404, 404, 404, 404, 404, 404);
const ANY_TOKEN = row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');
const INTAKE = row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');
/** Following a capture up: whoever may capture; another tenant finds no such capture. */
const CAPTURE = row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 404);
const TENANT_READ = row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 403, 'ok');
const TENANT_WRITE = row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 403, 'ok');
const PUBLISH = row(401, 403, 403, 'ok', 'ok', 'ok', 403, 'ok');
const ADMIN = row(401, 403, 403, 403, 403, 'ok', 403, 'ok');
/** Deleting a catalogue record: another tenant has no such record (a change with a bad body is a 400 first). */
const ADMIN_DELETE = row(401, 403, 403, 403, 403, 'ok', 403, 404);
/** The development mailbox holds every tenant's mail, so it is the installation tenant's revops' only. */
const DEV_MAILBOX = row(401, 403, 403, 403, 403, 'ok', 403, 404);
/** The live rules are shared by every tenant: only the installation tenant's revops changes which version is live. */
const INSTALLATION_ADMIN = row(401, 403, 403, 403, 403, 'ok', 403, 403);
/** The operations metrics count every tenant: the `metrics` scope (revops' or a scraper's), of the installation's tenant. */
const METRICS = row(401, 403, 403, 403, 403, 'ok', 403, 403);
/** Rep A's lead: A, A's manager and revops; an integration may record its events. */
const LEAD_EVENT = row(401, 'ok', 404, 'ok', 404, 'ok', 'ok', 404);
const LEAD = row(401, 'ok', 404, 'ok', 404, 'ok', 403, 404);
/** Rep A's deal: manager B approves a quote on it, so may read it but not change it. */
const DEAL_READ = row(401, 'ok', 404, 'ok', 'ok', 'ok', 403, 404);
const DEAL_WRITE = row(401, 'ok', 404, 'ok', 403, 'ok', 403, 404);
const APPROVAL = row(401, 'ok', 404, 'ok', 'ok', 'ok', 403, 404);
/** Rep A's task: A, A's manager and revops; anyone else finds no such task. */
const TASK_WRITE = row(401, 'ok', 404, 'ok', 404, 'ok', 403, 404);
/** My work is a person's: an integration has no "me". */
const PERSON_READ = row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 403, 'ok');
/** Rep A's own tokens: A and revops. Another tenant has no such person. */
const OWN_TOKENS = row(401, 'ok', 403, 403, 403, 'ok', 403, 404);
/** Inviting a person is revops' (who manage people); another tenant has no such person. */
const INVITE = row(401, 403, 403, 403, 403, 'ok', 403, 404);
/** A backtest is revops'; another tenant's revops has no such backtest. */
const BACKTEST = row(401, 403, 403, 403, 403, 'ok', 403, 404);
/** A rules shadow's report: revops and sales leaders; another tenant has no such shadow. */
const SHADOW_READ = row(401, 403, 403, 'ok', 'ok', 'ok', 403, 404);

const EXPECTED: Record<string, Row> = {
  'GET /health': PUBLIC,
  'GET /openapi.json': PUBLIC,
  'GET /': PUBLIC,
  'GET /console': PUBLIC,
  'GET /metrics': METRICS,
  'POST /api/webhooks/forms': SIGNED,
  'POST /api/webhooks/esign/{provider}': SIGNED,
  'GET /u/{token}': SIGNED_LINK,
  'POST /u/{token}': SIGNED_LINK,

  'POST /api/leads': INTAKE,
  'GET /api/captures/{submissionId}': CAPTURE,
  'POST /api/leads/batch': INTAKE,
  /** Importing an event's attendees: revops and sales leaders (marketing's work), not reps or integrations. */
  'POST /api/imports/attendees': PUBLISH,
  'GET /api/intake-batches': INTAKE,
  'GET /api/intake-batches/{batchId}': CAPTURE,
  'GET /api/intake-batches/{batchId}/errors.csv': CAPTURE,
  'GET /api/leads': TENANT_READ,
  'GET /api/leads/{id}': LEAD,
  'GET /api/leads/{id}/timeline': LEAD,
  'POST /api/leads/{id}/events': LEAD_EVENT,
  'POST /api/leads/{id}/bant': LEAD,
  'POST /api/leads/{id}/disqualify': LEAD,
  'POST /api/leads/{id}/reassign': LEAD,
  'POST /api/leads/{id}/cadence': LEAD,
  'POST /api/leads/{id}/convert': LEAD,

  'GET /api/rules': TENANT_READ,
  'GET /api/rules/labels': TENANT_READ,
  'POST /api/rules/validate': TENANT_READ,
  'GET /api/rules/versions': TENANT_READ,
  'GET /api/rules/versions/{hash}': TENANT_READ,
  'GET /api/rules/activations': TENANT_READ,
  'POST /api/rules/activations': INSTALLATION_ADMIN,
  'GET /api/rules/diff': TENANT_READ,
  'POST /api/rules/backtests': ADMIN,
  'GET /api/rules/backtests/{backtestId}': BACKTEST,
  'DELETE /api/rules/backtests/{backtestId}': BACKTEST,
  'GET /api/rules/backtests/{backtestId}/report.html': BACKTEST,
  'GET /api/rules/backtests/{backtestId}/changes': BACKTEST,
  'GET /api/rules/backtests/{backtestId}/changes.csv': BACKTEST,
  'POST /api/rules/shadows': ADMIN,
  /** Revops and sales leaders list their tenant's shadows (another tenant's revops sees its own). */
  'GET /api/rules/shadows': PUBLISH,
  'GET /api/rules/shadows/{shadowId}': SHADOW_READ,
  /** Ending one is revops'; a bad body is a 400 before the shadow is looked up. */
  'POST /api/rules/shadows/{shadowId}/end': ADMIN,
  'GET /api/reps': TENANT_READ,
  // Reps named in routing.yaml are the installation's roster (the rule files are shared by every tenant).
  'GET /api/reps/{email}': TENANT_READ,
  'PUT /api/reps/{email}': TENANT_WRITE,

  'GET /api/me': ANY_TOKEN,
  'PATCH /api/me': PERSON_READ,
  'POST /api/auth/sessions': PUBLIC,
  'DELETE /api/auth/sessions/current': ANY_TOKEN,
  'POST /api/auth/password-resets': PUBLIC,
  'POST /api/auth/links/lookup': PUBLIC,
  'POST /api/auth/password': PUBLIC,
  'POST /api/people/{email}/invitation': INVITE,
  'POST /api/people/{email}/tokens': OWN_TOKENS,
  'GET /api/people/{email}/tokens': OWN_TOKENS,
  'DELETE /api/tokens/{id}': OWN_TOKENS,
  'POST /api/integrations/{name}/tokens': ADMIN,
  'GET /api/integrations': ADMIN,
  'GET /api/audit': TENANT_READ,

  'GET /api/deals': TENANT_READ,
  'GET /api/deals/{dealId}': DEAL_READ,
  'GET /api/deals/{dealId}/timeline': DEAL_READ,
  'POST /api/deals/{dealId}/stage': DEAL_WRITE,
  'POST /api/deals/{dealId}/meetings': DEAL_WRITE,
  'PATCH /api/deals/{dealId}/meetings/{meetingId}': DEAL_WRITE,
  'POST /api/deals/{dealId}/meetings/{meetingId}/cancel': DEAL_WRITE,
  'POST /api/deals/{dealId}/meetings/{meetingId}/outcome': DEAL_WRITE,
  'GET /api/deals/{dealId}/stakeholders': DEAL_READ,
  'POST /api/deals/{dealId}/stakeholders': DEAL_WRITE,
  'GET /api/deals/{dealId}/stakeholders/graph': DEAL_READ,
  'GET /api/deals/{dealId}/stakeholders/{contactId}': DEAL_READ,
  'PATCH /api/deals/{dealId}/stakeholders/{contactId}': DEAL_WRITE,
  'DELETE /api/deals/{dealId}/stakeholders/{contactId}': DEAL_WRITE,
  'POST /api/deals/{dealId}/stakeholders/{contactId}/engaged': DEAL_WRITE,
  'GET /api/deals/{dealId}/needs': DEAL_READ,
  'PUT /api/deals/{dealId}/needs': DEAL_WRITE,
  'POST /api/deals/{dealId}/activities': DEAL_WRITE,
  'GET /api/deals/{dealId}/activities': DEAL_READ,
  'POST /api/deals/{dealId}/materials': DEAL_WRITE,
  'GET /api/deals/{dealId}/materials': DEAL_READ,
  'POST /api/deals/{dealId}/quotes': DEAL_WRITE,
  'GET /api/deals/{dealId}/quotes': DEAL_READ,
  'GET /api/deals/{dealId}/forecast': DEAL_READ,
  'PATCH /api/deals/{dealId}/forecast': DEAL_WRITE,
  'PUT /api/deals/{dealId}/next-step': DEAL_WRITE,
  'GET /api/tasks': TENANT_READ,
  'POST /api/tasks': TENANT_WRITE,
  'POST /api/tasks/{taskId}/complete': TASK_WRITE,
  'POST /api/tasks/{taskId}/snooze': TASK_WRITE,
  'GET /api/me/work': PERSON_READ,
  'GET /api/renewals': TENANT_READ,
  'GET /api/loss-reasons': TENANT_READ,

  // Quotas: revops and managers set them (managers for those below them); everyone reads their own.
  'PUT /api/quotas': PUBLISH,
  'GET /api/quotas': TENANT_READ,
  /** Rep A's quota: A's manager and revops remove it; manager B does not see it; A may not remove their own. */
  'DELETE /api/quotas/{quotaId}': row(401, 403, 403, 'ok', 404, 'ok', 403, 404),

  // Campaigns and marketing spend: revops enters them; managers, finance and revops read spend, reps do not.
  'POST /api/campaigns': ADMIN,
  'GET /api/campaigns': TENANT_READ,
  'POST /api/marketing-spend': ADMIN,
  'POST /api/marketing-spend/import': ADMIN,
  'POST /api/imports/history': ADMIN,
  'GET /api/marketing-spend': PUBLISH,
  'DELETE /api/marketing-spend/{spendId}': ADMIN_DELETE,

  'POST /api/materials': PUBLISH,
  'GET /api/materials': TENANT_READ,
  'GET /api/materials/{key}/versions': row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 403, 404),

  'GET /api/catalog': TENANT_READ,
  'GET /api/products': TENANT_READ,
  'GET /api/products/{sku}': row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 403, 404),
  'POST /api/products': ADMIN,
  'PATCH /api/products/{sku}': ADMIN,
  'DELETE /api/products/{sku}': ADMIN_DELETE,
  'PUT /api/products/{sku}/prices/{priceBook}/{currency}': ADMIN,
  'DELETE /api/products/{sku}/prices/{priceBook}/{currency}': ADMIN_DELETE,
  'GET /api/quote-templates': TENANT_READ,
  'GET /api/quote-templates/{name}': row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 403, 404),
  'POST /api/quote-templates': ADMIN,
  'PUT /api/quote-templates/{name}': ADMIN,
  'DELETE /api/quote-templates/{name}': ADMIN_DELETE,

  'GET /api/quotes/{quoteId}': DEAL_READ,
  'PUT /api/quotes/{quoteId}': DEAL_WRITE,
  'GET /api/quotes/{quoteId}/versions': DEAL_READ,
  'GET /api/quotes/{quoteId}/versions/{version}': DEAL_READ,
  'GET /api/quotes/{quoteId}/diff': DEAL_READ,
  'GET /api/quotes/{quoteId}/versions/{version}/document': DEAL_READ,
  'POST /api/quotes/{quoteId}/versions/{version}/submit': DEAL_WRITE,
  'POST /api/quotes/{quoteId}/versions/{version}/send': DEAL_WRITE,
  'POST /api/quotes/{quoteId}/versions/{version}/signature': DEAL_WRITE,

  'GET /api/approvals': TENANT_READ,
  'GET /api/approvals/{requestId}': APPROVAL,
  'POST /api/approvals/{requestId}/steps/{stepId}/decision': APPROVAL,
  'POST /api/approvals/{requestId}/steps/{stepId}/delegate': APPROVAL,

  // Analytics: any reader of the tenant; the figures are cut to the caller's sight (test/api/analytics.int.test.ts).
  'GET /api/analytics/volume': TENANT_READ,
  'GET /api/analytics/funnel': TENANT_READ,
  'GET /api/analytics/speed': TENANT_READ,
  'GET /api/analytics/deals': TENANT_READ,
  'GET /api/analytics/pipeline': TENANT_READ,
  'GET /api/analytics/deal-desk': TENANT_READ,
  'GET /api/analytics/activity': TENANT_READ,
  'GET /api/analytics/win-loss': TENANT_READ,
  'GET /api/analytics/channels': TENANT_READ,
  'GET /api/analytics/retention': TENANT_READ,
  'GET /api/analytics/rule-attribution': TENANT_READ,
  'GET /api/analytics/drill-down': TENANT_READ,

  'GET /api/dev/mailbox': DEV_MAILBOX,
  'GET /api/dev/mailbox/{id}': DEV_MAILBOX,
};

/** An invalid body for every operation that takes one: allowed callers get the handler's 400 and nothing changes. */
const PROBE_BODY = { probe: 'authorization-matrix' };

describe.each(providers)('authorization matrix on %s', (provider) => {
  let system: TestSystem;
  const tokens = {} as Record<Exclude<Caller, 'anonymous'>, string>;
  const ids: Record<string, string> = {};
  let operations: { method: string; path: string }[] = [];
  const results: { operation: string; caller: Caller; expected: Outcome; status: number }[] = [];

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_WEBHOOK_SECRET: 'matrix-test-secret-0123456789' });
    const db = system.database.db;
    const tenant = system.config.tenant;
    tokens.revops = system.revopsToken;
    tokens.managerA = await system.personToken('mike.manager@example.com', 'manager');
    tokens.managerB = await system.personToken('nora.manager@example.com', 'manager');
    await stockCatalogue(system, tokens.revops);

    // Rep A owns a deal (and its lead); rep B is a rep of the other team.
    const deal = await openDeal(system, tokens.revops, 'grace@matrix.io');
    ids.dealId = deal.dealId;
    ids.repA = deal.ownerEmail;
    tokens.repA = await system.personToken(deal.ownerEmail, 'rep', { managerEmail: 'mike.manager@example.com' });
    ids.repB = deal.ownerEmail === 'erik.lund@example.com' ? 'fatima.haddad@example.com' : 'erik.lund@example.com';
    tokens.repB = await system.personToken(ids.repB, 'rep', { managerEmail: 'nora.manager@example.com' });
    ids.leadId = (await db.deal.findUniqueOrThrow({ where: { id: deal.dealId } })).leadId;
    tokens.intake = (
      await issueIntegrationToken(db, {
        tenant,
        name: 'web-forms',
        label: 'matrix',
        scopes: ['intake'],
        by: { system: 'cli' },
        now: new Date(),
      })
    ).token;
    tokens.otherTenant = await createPersonToken(db, 'matrix-other', 'olga@other.example', 'revops');

    const as = (token: string, method: string, path: string, body?: unknown) =>
      http(`${system.url}${path}`, { method, body, headers: bearer(token) });
    const ok = <T extends { status: number; body: unknown }>(response: T, what: string): T => {
      expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      return response;
    };
    // A quote of A's at 15 %: the manager's authority, so Mike is asked, and he hands it to Nora.
    const quote = ok(
      await as(tokens.repA, 'POST', `/api/deals/${ids.dealId}/quotes`, {
        customer: { company: 'Matrix Inc', contactName: 'Grace', email: 'grace@matrix.io', region: 'US' },
        lines: [{ sku: 'PLAT-ENT-1Y', quantity: 10, discount: '15' }],
      }),
      'quote',
    );
    ids.quoteId = quote.body.quote?.id ?? quote.body.id;
    const request = await waitFor(async () =>
      db.approvalRequest.findFirst({ where: { dealId: ids.dealId }, include: { steps: true } }),
    );
    const step = await waitFor(async () => db.approvalStep.findFirst({ where: { requestId: request.id } }));
    ids.requestId = request.id;
    ids.stepId = step.id;
    // The step's row can appear a moment before its approval workflow opens it for decisions (409 "not open").
    const delegate = () =>
      as(tokens.managerA, 'POST', `/api/approvals/${request.id}/steps/${step.id}/delegate`, {
        to: 'nora.manager@example.com',
        reason: 'Nora covers this account',
      });
    let delegated = await delegate();
    for (let attempt = 0; delegated.status === 409 && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      delegated = await delegate();
    }
    ok(delegated, 'delegate');
    ids.contactId = ok(
      await as(tokens.repA, 'POST', `/api/deals/${ids.dealId}/stakeholders`, {
        name: 'Ann CEO',
        role: 'economic-buyer',
      }),
      'stakeholder',
    ).body.id;
    ids.meetingId = ok(
      await as(tokens.repA, 'POST', `/api/deals/${ids.dealId}/meetings`, {
        kind: 'demo',
        title: 'Demo',
        startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 7 * 86_400_000 + 3_600_000).toISOString(),
        attendees: [{ name: 'Ann CEO', contactId: ids.contactId }],
      }),
      'meeting',
    ).body.meetingId;
    ok(
      await as(tokens.managerA, 'POST', '/api/materials', {
        key: 'matrix-deck',
        title: 'Deck',
        type: 'deck',
        url: 'https://cdn.example.com/deck.pdf',
      }),
      'material',
    );
    ids.taskId = ok(
      await as(tokens.repA, 'POST', '/api/tasks', {
        title: 'Call Grace about the pilot',
        kind: 'call',
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
        dealId: ids.dealId,
      }),
      'task',
    ).body.id;
    ids.rulesHash = (await as(tokens.revops, 'GET', '/api/rules')).body.activeVersion;
    const active = (await as(tokens.revops, 'GET', `/api/rules/versions/${ids.rulesHash}`)).body;
    ids.backtestId = ok(
      await as(tokens.revops, 'POST', '/api/rules/backtests', { files: active.files, kinds: ['scoring'] }),
      'backtest',
    ).body.id;
    const lowered = {
      ...active.files,
      'scoring.yaml': active.files['scoring.yaml'].replace('threshold: 80', 'threshold: 75'),
    };
    ids.shadowId = ok(
      await as(tokens.revops, 'POST', '/api/rules/shadows', { files: lowered, reason: 'matrix' }),
      'shadow',
    ).body.shadow.id;
    ids.mailId = (await as(tokens.revops, 'GET', '/api/dev/mailbox?limit=1')).body.messages?.[0]?.id ?? 'none';

    const document = (await http(`${system.url}/openapi.json`, { anonymous: true })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })),
    );
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  /** The path with real ids; destructive operations get a fresh record of their own for every call. */
  async function concrete(method: string, template: string): Promise<string> {
    const db = system.database.db;
    const fresh: Record<string, () => Promise<string>> = {
      'DELETE /api/tokens/{id}': async () => {
        await createPersonToken(db, system.config.tenant, ids.repA!, 'rep', { label: 'to revoke' });
        const latest = await db.apiToken.findFirstOrThrow({
          where: { personEmail: ids.repA!, label: 'to revoke', revokedAt: null },
          orderBy: { createdAt: 'desc' },
        });
        return `/api/tokens/${latest.id}`;
      },
      // A finished job of its own for every call: deleting the shared one would take it from the reads.
      'DELETE /api/rules/backtests/{backtestId}': async () => {
        const id = `bt_${crypto.randomUUID()}`;
        const at = new Date();
        await db.backtestJob.create({
          data: {
            id,
            tenant: system.config.tenant,
            status: 'done',
            candidate: {},
            candidateVersion: ids.rulesHash!,
            activeVersion: ids.rulesHash!,
            kinds: 'scoring',
            createdAt: at,
            heartbeatAt: at,
            finishedAt: at,
          },
        });
        return `/api/rules/backtests/${id}`;
      },
      'DELETE /api/deals/{dealId}/stakeholders/{contactId}': async () => {
        const created = await http(`${system.url}/api/deals/${ids.dealId}/stakeholders`, {
          body: { name: `Temp ${Math.random().toString(36).slice(2, 8)}`, role: 'user' },
          headers: bearer(tokens.repA),
        });
        return `/api/deals/${ids.dealId}/stakeholders/${created.body.id}`;
      },
      'GET /api/captures/{submissionId}': async () => {
        const captured = await http(`${system.url}/api/leads?wait=accepted`, {
          body: { email: `capture-${Math.random().toString(36).slice(2, 8)}@matrix.io`, source: 'ads' },
          headers: bearer(tokens.revops),
        });
        return `/api/captures/${captured.body.submissionId}`;
      },
      'GET /api/intake-batches/{batchId}': async () => {
        const batch = await http(`${system.url}/api/leads/batch`, {
          body: { leads: [{ email: `batch-${Math.random().toString(36).slice(2, 8)}@matrix.io` }], source: 'events' },
          headers: bearer(tokens.revops),
        });
        return `/api/intake-batches/${batch.body.id}`;
      },
      'GET /api/intake-batches/{batchId}/errors.csv': async () => {
        const batch = await http(`${system.url}/api/leads/batch`, {
          body: { leads: [{ email: 'not-an-email' }], source: 'events' },
          headers: bearer(tokens.revops),
        });
        return `/api/intake-batches/${batch.body.id}/errors.csv`;
      },
      // Unpriced: a product that a price book lists is refused (409) and kept for its quotes.
      'DELETE /api/products/{sku}': async () => `/api/products/${await throwawayProduct({ priced: false })}`,
      'DELETE /api/quotas/{quotaId}': async () => {
        const set = await http(`${system.url}/api/quotas`, {
          method: 'PUT',
          body: { quotas: [{ rep: ids.repA, period: '2026-Q1', currency: 'USD', amount: '100000' }] },
        });
        return `/api/quotas/${set.body.quotas[0].id}`;
      },
      'DELETE /api/marketing-spend/{spendId}': async () => {
        await http(`${system.url}/api/campaigns`, { body: { key: 'matrix-campaign', name: 'Matrix' } });
        const entry = await http(`${system.url}/api/marketing-spend`, {
          body: { source: 'ads', campaign: 'matrix-campaign', month: '2026-03', currency: 'USD', amount: '10.00' },
        });
        return `/api/marketing-spend/${entry.body.id}`;
      },
      'DELETE /api/products/{sku}/prices/{priceBook}/{currency}': async () =>
        `/api/products/${await throwawayProduct()}/prices/standard/USD`,
      'DELETE /api/quote-templates/{name}': async () => {
        const name = `temp-${Math.random().toString(36).slice(2, 8)}`;
        await http(`${system.url}/api/quote-templates`, {
          body: { name, seller: { name: 'Temp' }, paymentTerms: 'net-30', currency: 'USD', priceBook: 'standard' },
        });
        return `/api/quote-templates/${name}`;
      },
    };
    const make = fresh[`${method} ${template}`];
    if (make) return make();
    const values: Record<string, string> = {
      id: template.startsWith('/api/dev/mailbox') ? ids.mailId! : ids.leadId!,
      dealId: ids.dealId!,
      contactId: ids.contactId!,
      meetingId: ids.meetingId!,
      taskId: ids.taskId!,
      quoteId: ids.quoteId!,
      version: '1',
      requestId: ids.requestId!,
      stepId: ids.stepId!,
      email: ids.repA!,
      name: template.startsWith('/api/integrations') ? 'crm-sync' : 'standard',
      sku: 'PLAT-ENT-1Y',
      priceBook: 'standard',
      currency: 'USD',
      key: 'matrix-deck',
      hash: ids.rulesHash!,
      backtestId: ids.backtestId!,
      shadowId: ids.shadowId!,
      provider: 'fake',
    };
    return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? `unknown-${name}`));
  }

  async function throwawayProduct({ priced = true } = {}): Promise<string> {
    const sku = `TMP-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    await http(`${system.url}/api/products`, { body: { sku, name: 'Temporary' } });
    if (priced) {
      await http(`${system.url}/api/products/${sku}/prices/standard/USD`, {
        method: 'PUT',
        body: { unitPrice: '1.00' },
      });
    }
    return sku;
  }

  it('when the document is read, then every operation has an expected row here and a published access policy', () => {
    const keys = operations.map((op) => `${op.method} ${op.path}`);
    expect(
      keys.filter((key) => !EXPECTED[key]),
      'operations this matrix has no row for',
    ).toEqual([]);
    expect(
      Object.keys(EXPECTED).filter((key) => !keys.includes(key)),
      'rows for operations that are gone',
    ).toEqual([]);
  });

  it('when every operation is called by each of the eight callers, then each answer is the expected one', async () => {
    // Destructive operations last, so they cannot take away what the others read.
    const ordered = [...operations].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    for (const { method, path } of ordered) {
      const expected = EXPECTED[`${method} ${path}`];
      if (!expected) continue;
      for (const caller of CALLERS) {
        const url = await concrete(method, path);
        const takesBody = method !== 'GET' && method !== 'DELETE';
        const response = await fetch(`${system.url}${url}`, {
          method,
          headers: {
            ...(takesBody ? { 'content-type': 'application/json' } : {}),
            ...(caller === 'anonymous' ? {} : bearer(tokens[caller])),
          },
          body: takesBody ? JSON.stringify(PROBE_BODY) : undefined,
        });
        await response.arrayBuffer();
        results.push({ operation: `${method} ${path}`, caller, expected: expected[caller], status: response.status });
      }
    }
    const wrong = results.filter(({ expected, status }) =>
      expected === 'ok' ? [401, 403, 404].includes(status) || status >= 500 : status !== expected,
    );
    expect(
      wrong.map((r) => `${r.operation} as ${r.caller}: expected ${r.expected}, got ${r.status}`),
      `of ${results.length} calls`,
    ).toEqual([]);
    expect(results.length).toBe(Object.keys(EXPECTED).length * CALLERS.length);
  }, 300_000);
});

async function waitFor<T>(probe: () => Promise<T | null>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const found = await probe();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('never appeared');
}
