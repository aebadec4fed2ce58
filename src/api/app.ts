import { BATCH_BODY_LIMIT, intakeBatchRoutes } from './routes/intake-batches';
import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import { renderDashboard } from './dashboard';
import { workspaceRoutes } from './workspace';
import { errorHandler } from './errors';
import { checkHealth, type RulesHealthSource } from './health';
import { openApiDocument } from './openapi';
import { leadRoutes } from './routes/leads';
import { createIntakeRuntime, type IntakeRuntime } from './intake-deps';
import { timelineRoutes } from './routes/timelines';
import { renewalRoutes } from './routes/renewals';
import { journeyRoutes } from './routes/journey';
import { keepRawBody, webhookRoutes, type FormWebhookSigning } from './routes/webhooks';
import { repRoutes } from './routes/reps';
import { peopleRoutes } from './routes/people';
import { authRoutes } from './routes/auth';
import type { AccountMail } from '../usecases/accounts';
import { auditRoutes } from './routes/audit';
import { dealRoutes } from './routes/deals';
import { meetingRoutes } from './routes/meetings';
import { authenticate } from '../auth/authenticate';
import { enforceAccess } from './access';
import { methodsOfResources } from './methods';
import { requireActor } from '../auth/actor';
import { LeadflowError } from '../domain/errors';
import { BadTokenBackoff, DEFAULT_BACKOFF, withBadTokenBackoff } from './abuse/bad-token-backoff';
import { requestRateLimits } from './abuse/rate-limits';
import { cspNonce, securityHeaders, withNonce } from './abuse/security-headers';
import type { AbuseConfig } from '../config';
import { accountRoutes } from './routes/accounts';
import { forecastRoutes } from './routes/forecast';
import { workRoutes } from './routes/work';
import { marketingRoutes } from './routes/marketing';
import { importRoutes } from './routes/imports';
import { quotaRoutes } from './routes/quotas';
import { materialRoutes } from './routes/materials';
import { catalogRoutes } from './routes/catalog';
import { quoteRoutes } from './routes/quotes';
import { mailboxRoutes } from './routes/mailbox';
import { esignRoutes } from './routes/esign';
import { unsubscribeRoutes } from './routes/unsubscribe';
import { unsubscribeLinks } from '../email/unsubscribe-link';
import type { SignatureProvider } from '../esign/adapter';
import type { Mailbox } from '../email/mailbox';
import { rulesRoutes } from './rules-routes';
import { rulesHistoryRoutes } from './rules-history-routes';
import { backtestRoutes } from './backtest-routes';
import { shadowRoutes } from './rules-shadow-routes';
import { httpMetrics } from './http-metrics';
import { metricsRoutes } from './routes/metrics';
import { analyticsRoutes } from './routes/analytics';
import type { RuleRegistry } from '../rules/registry';
import type { RuleVersionStore } from '../rules/version-store';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  defaultTenant: string;
  rules: RulesHealthSource & { registry: RuleRegistry; store: RuleVersionStore };
  logger: Logger;
  now?: () => Date;
  /** Lead intake's outbox, dispatcher and load gate; default: an outbox with no dispatcher (see runApi). */
  intake?: IntakeRuntime;
  /** The form webhook secret (LEADFLOW_WEBHOOK_SECRET or the data dir's file) and whether unsigned deliveries pass. */
  formWebhooks: FormWebhookSigning;
  /** Rate limits, the bad-token backoff and which proxies tell the client address. */
  abuse: AbuseConfig;
  /** The embedded mail server's mailbox, when it runs (development). */
  mailbox?: Mailbox;
  /** Where the built workspace is (default dist/web). */
  workspaceDir?: string;
  /** E-signature adapters whose webhooks this API accepts (`/api/webhooks/esign/<name>`). */
  signatureProviders?: readonly SignatureProvider[];
  /** The Temporal web UI the dashboard links to; null or unset shows no link. */
  temporalUiUrl?: string | null;
  /** Verifies the unsubscribe links in emails (src/cli/link-secret.ts); the worker signs with the same secret. */
  linkSecret: string;
  /** How invitations and password-reset links are emailed (the system's SMTP mailer and LEADFLOW_PUBLIC_URL). */
  accountMail: AccountMail;
  /** LEADFLOW_REPORTING_ZONE: the analytics reports' zone; unset or null: escalation.yaml's default calendar's. */
  reportingZone?: string | null;
}

/** Who works each queue, from the active routing rules (none while no rules are loaded). */
function queueMembersOf(registry: RuleRegistry): Record<string, readonly string[]> {
  return registry.activeOrNull()?.routing.queueMembers ?? {};
}

/** Approval tiers whose chain has approvers, from the active approvals rules (none while no rules are loaded). */
function approvalTiersOf(registry: RuleRegistry): string[] {
  const chains = registry.activeOrNull()?.approvals.chains ?? {};
  return Object.keys(chains).filter((tier) => (chains[tier] ?? []).length > 0);
}

/** Builds the Express app. Routes stay thin; the error handler is the one place errors become HTTP. */
export function createApp(appDeps: AppDeps): Express {
  const deps = { ...appDeps, intake: appDeps.intake ?? createIntakeRuntime(appDeps.db) };
  const app = express();
  app.disable('x-powered-by');
  app.use(httpMetrics());
  app.set('trust proxy', deps.abuse.trustProxy);
  app.use(securityHeaders());
  app.use(methodsOfResources());
  // JSON bodies allow 256 kB; a batch of leads (POST /api/leads/batch) up to BATCH_BODY_LIMIT.
  const smallJson = express.json({ limit: '256kb', strict: true, verify: keepRawBody });
  const batchJson = express.json({ limit: BATCH_BODY_LIMIT, strict: true });
  app.use((req, res, next) => (req.path === '/api/leads/batch' ? batchJson : smallJson)(req, res, next));
  const limits = requestRateLimits(deps.abuse, deps.logger);

  app.get(['/health', '/openapi.json'], limits.public);
  app.get('/health', async (_req, res) => {
    const report = await checkHealth(deps);
    res.status(report.status === 'down' ? 503 : 200).json(report);
  });
  app.get('/openapi.json', (req, res) => {
    res.json(openApiDocument(`${req.protocol}://${req.get('host') ?? 'localhost'}`));
  });
  // Before every router: a valid bearer token sets req.actor, a bad one is a 401, none stays anonymous.
  // Wrapped: an address that keeps presenting invalid tokens is refused (429) before the lookup.
  const backoff = new BadTokenBackoff({ ...DEFAULT_BACKOFF, threshold: deps.abuse.badTokens });
  app.use(withBadTokenBackoff(authenticate(deps.db, { now: deps.now }), backoff, { logger: deps.logger }));
  app.use(limits.perCaller);
  // Then every operation's access policy (./access-policy.ts): scope, role, tenant, and the record's visibility.
  app.use(enforceAccess({ db: deps.db, queueMembers: () => queueMembersOf(deps.rules.registry) }));
  app.use(
    metricsRoutes({
      defaultTenant: deps.defaultTenant,
      state: { db: deps.db, approvalTiers: () => approvalTiersOf(deps.rules.registry) },
    }),
  );
  app.use(intakeBatchRoutes(deps));
  app.use(leadRoutes(deps));
  app.use(journeyRoutes(deps));
  app.use(
    webhookRoutes({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      defaultTenant: deps.defaultTenant,
      signing: deps.formWebhooks,
      now: deps.now,
      intake: deps.intake,
    }),
  );
  app.use(repRoutes({ db: deps.db, defaultTenant: deps.defaultTenant, rules: { registry: deps.rules.registry } }));
  app.use(
    authRoutes({
      db: deps.db,
      defaultTenant: deps.defaultTenant,
      mail: deps.accountMail,
      logger: deps.logger,
      now: deps.now,
    }),
  );
  app.use(peopleRoutes({ db: deps.db, now: deps.now }));
  app.use(auditRoutes({ db: deps.db }));
  app.use(timelineRoutes({ db: deps.db }));
  app.use(renewalRoutes({ db: deps.db, rules: () => deps.rules.registry.active() }));
  app.use(
    dealRoutes({ db: deps.db, temporal: deps.temporal, rules: () => deps.rules.registry.active(), now: deps.now }),
  );
  app.use(meetingRoutes({ db: deps.db, temporal: deps.temporal, rules: () => deps.rules.registry.active() }));
  app.use(
    esignRoutes({
      db: deps.db,
      temporal: deps.temporal,
      providers: deps.signatureProviders ?? [],
      logger: deps.logger,
    }),
  );
  // No token: the recipient of an email has none; the link's signature is the credential (policy `signature`).
  app.use(
    unsubscribeRoutes({
      db: deps.db,
      temporal: deps.temporal,
      // Verifying needs no base URL; links are written by the worker with LEADFLOW_PUBLIC_URL.
      links: unsubscribeLinks(deps.linkSecret, ''),
      logger: deps.logger,
      now: deps.now,
    }),
  );
  app.use(accountRoutes({ db: deps.db, now: deps.now }));
  app.use(forecastRoutes({ db: deps.db, rules: () => deps.rules.registry.active(), now: deps.now }));
  app.use(workRoutes({ db: deps.db, temporal: deps.temporal, now: deps.now }));
  app.use(quotaRoutes({ db: deps.db, now: deps.now }));
  app.use(marketingRoutes({ db: deps.db, now: deps.now }));
  app.use(
    importRoutes({
      db: deps.db,
      registry: deps.rules.registry,
      reportingZone: deps.reportingZone ?? null,
      now: deps.now,
    }),
  );
  app.use(materialRoutes({ db: deps.db, now: deps.now }));
  app.use(catalogRoutes({ db: deps.db, now: deps.now }));
  app.use(quoteRoutes({ db: deps.db, temporal: deps.temporal, registry: deps.rules.registry, now: deps.now }));
  if (deps.mailbox) {
    // The embedded mail server keeps every tenant's mail, so only the installation's own tenant may read it.
    app.use('/api/dev', (req, _res, next) => {
      const actor = requireActor(req);
      if (actor.tenant !== deps.defaultTenant)
        return next(new LeadflowError('not_found', `No route ${req.method} ${req.originalUrl}.`));
      next();
    });
    app.use(mailboxRoutes({ mailbox: deps.mailbox }));
  }
  app.use(
    analyticsRoutes({
      db: deps.db,
      registry: deps.rules.registry,
      reportingZone: deps.reportingZone ?? null,
      now: deps.now,
    }),
  );
  app.use(
    '/api/rules/backtests',
    backtestRoutes({ db: deps.db, registry: deps.rules.registry, logger: deps.logger, now: deps.now }),
  );
  app.use(
    '/api/rules/shadows',
    shadowRoutes({ db: deps.db, registry: deps.rules.registry, store: deps.rules.store, now: deps.now }),
  );
  app.use('/api/rules', rulesRoutes({ registry: deps.rules.registry, store: deps.rules.store }));
  app.use(
    '/api/rules',
    rulesHistoryRoutes({
      registry: deps.rules.registry,
      store: deps.rules.store,
      db: deps.db,
      defaultTenant: deps.defaultTenant,
    }),
  );
  // The operations console (health, capture, rules): the page before the sales workspace.
  app.get('/console', (_req, res) => {
    res.type('html').send(withNonce(renderDashboard({ temporalUiUrl: deps.temporalUiUrl ?? null }), cspNonce(res)));
  });
  // The sales workspace: `/` and its page paths, and its built assets.
  app.use(workspaceRoutes(deps.workspaceDir));

  app.use('/api', (req, _res, next) => {
    next(Object.assign(new Error(`No route ${req.method} ${req.originalUrl}.`), { status: 404 }));
  });
  app.use(errorHandler(deps.logger));
  return app;
}
