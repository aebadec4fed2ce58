import type { Server } from 'node:http';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundleOption } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createIntakeRuntime } from '../api/intake-deps';
import { createIntakeOutbox } from '../db/intake-outbox';
import { DEFAULT_DISPATCHER_OPTIONS, startIntakeDispatcher } from '../usecases/intake-dispatcher';
import { startIntakeRetention } from '../usecases/intake-retention';
import { startWorkerMetricsServer } from '../api/metrics-server';
import { enableProcessMetrics } from '../metrics/instruments';
import type { RulesRuntime } from './rules-runtime';
import { reevaluateOnActivation } from '../temporal/reevaluation-trigger';
import { cachedWorkflowBundle, WORKFLOW_BUNDLE_CACHE } from '../temporal/workflow-bundle-cache';
import { expireBacktestsPeriodically } from '../usecases/backtest-removal';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { startMailSink, type MailSink } from '../email/mail-sink';
import type { Mailer } from '../email/mailer';
import type { Mailbox } from '../email/mailbox';
import type { RuleRegistry } from '../rules/registry';
import { createSmtpMailer } from '../email/smtp-mailer';
import type { SignatureProvider } from '../esign/adapter';
import { startFakeSignatureProvider } from '../esign/fake-provider';
import { createSignatureProvider } from '../esign/provider';
import { createSignatureSender } from '../esign/sender';
import type { Logger } from '../logger';
import { connectWorkerConnection, createTemporalClient } from '../temporal/connection';
import { devServerUiUrl } from '../temporal/dev-server';
import { superviseDevServer, type SupervisedDevServer } from '../temporal/dev-server-supervisor';
import { ensureTool, temporalCli } from '../temporal/provision';
import { installTemporalRuntime } from '../temporal/runtime';
import { createLeadflowWorker } from '../temporal/worker';
import type { Stoppable } from './stoppable';
import { accountMailer, openDatabase } from './database';

export { accountMailer, openDatabase };
import { loadLinkSecret } from './link-secret';
import { loadWebhookSecret, type WebhookSecret } from './webhook-secret';

/**
 * Starts the embedded Temporal dev server, supervised (restarted with backoff if it dies), unless
 * TEMPORAL_ADDRESS points at a cluster. `shutdown` ends the supervision as leadflow begins to stop.
 */
export async function startTemporalIfEmbedded(
  config: Config,
  logger: Logger,
  shutdown?: AbortSignal,
): Promise<(Stoppable & SupervisedDevServer) | undefined> {
  if (config.temporal.mode !== 'embedded') return undefined;
  const binary = await ensureTool(temporalCli, (message) => logger.info(message));
  const server = await superviseDevServer(
    {
      binary,
      dbFile: config.temporal.dbFile,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      logger,
      pidFile: path.join(config.dataDir, 'temporal-dev-server.pid'),
      ownProcessGroup: true,
      sqlitePragmas: config.engine.devServerSqlitePragmas,
    },
    { shutdown },
  );
  return Object.assign(server, { name: 'temporal-dev-server' });
}

/** Runs the worker until stopped; returns a handle whose stop() drains in-flight work. */
export async function runWorker(
  config: Config,
  deps: {
    db: Db;
    registry: RuleRegistry;
    mail: { mailer: Mailer; from: string };
    signatureProvider?: SignatureProvider;
  },
  logger: Logger,
  options: { workflowBundle?: WorkflowBundleOption; shutdown?: AbortSignal } = {},
): Promise<Stoppable & { worker: Worker; connection: NativeConnection }> {
  installTemporalRuntime(logger);
  enableProcessMetrics();
  const connection = await connectWorkerConnection(config.temporal, logger, options.shutdown);
  const worker = await createLeadflowWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: {
      db: deps.db,
      registry: deps.registry,
      mailer: deps.mail.mailer,
      mailFrom: deps.mail.from,
      publicUrl: config.publicUrl,
      linkSecret: await loadLinkSecret(config),
      marketingEmail: config.marketingEmail,
      logger,
      signatures: createSignatureSender({
        db: deps.db,
        provider: deps.signatureProvider ?? createSignatureProvider(config.esign),
        publicUrl: config.publicUrl,
      }),
    },
    workflowBundle: options.workflowBundle ?? (await cachedWorkflowBundle(WORKFLOW_BUNDLE_CACHE, logger)),
    tuning: config.engine.worker,
  });
  const running = worker.run();
  running.catch((error: unknown) => logger.error({ err: error }, 'worker stopped with an error'));
  logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker running');
  // A rules version with `re-evaluate: in-flight` re-scores the open journeys when it goes live.
  const client = createTemporalClient(config.temporal);
  const stopReevaluating = reevaluateOnActivation(deps.registry, client, {
    taskQueue: config.temporal.taskQueue,
    tenant: config.tenant,
    perSecond: config.reevaluationPerSecond,
    logger,
  });
  return {
    name: 'worker',
    worker,
    connection,
    async stop() {
      stopReevaluating();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await client.connection.close().catch(() => undefined);
      await connection.close();
    },
  };
}

/** Serves the HTTP API and dashboard. */
export async function runApi(
  config: Config,
  deps: {
    db: Db;
    rules: RulesRuntime;
    logger: Logger;
    temporal?: Client;
    mailbox?: Mailbox;
    signatureProvider?: SignatureProvider;
    /** The mailer of `leadflow start`; without it (`leadflow api`) account emails go to SMTP_URL or the embedded server of `leadflow worker`. */
    mail?: { mailer: Mailer; from: string };
    /**
     * Whether this process starts the re-scoring of open journeys when its rules go live (`leadflow
     * api` on its own: it may be the first process to see an edit made while leadflow was stopped,
     * and record it, so a worker started later finds no change). `leadflow start` leaves it to its worker.
     */
    reevaluate?: boolean;
  },
): Promise<Stoppable & { url: string; temporal: Client; webhookSecret: WebhookSecret }> {
  enableProcessMetrics();
  const webhookSecret = await loadWebhookSecret(config.formWebhooks, deps.logger);
  const temporal = deps.temporal ?? createTemporalClient(config.temporal);
  const signatureProvider = deps.signatureProvider ?? createSignatureProvider(config.esign);
  const dispatcher = startIntakeDispatcher(
    {
      outbox: createIntakeOutbox(deps.db),
      temporal,
      taskQueue: config.temporal.taskQueue,
      logger: deps.logger.child({ component: 'intake-dispatcher' }),
    },
    { ...DEFAULT_DISPATCHER_OPTIONS, concurrency: config.intake.concurrency || DEFAULT_DISPATCHER_OPTIONS.concurrency },
  );
  const retention = startIntakeRetention(
    { outbox: createIntakeOutbox(deps.db), logger: deps.logger.child({ component: 'intake-retention' }) },
    config.intake.retentionDays,
  );
  const app = createApp({
    db: deps.db,
    temporal,
    intake: createIntakeRuntime(deps.db, config.intake, dispatcher),
    taskQueue: config.temporal.taskQueue,
    defaultTenant: config.tenant,
    rules: deps.rules,
    logger: deps.logger,
    mailbox: deps.mailbox,
    formWebhooks: { secret: webhookSecret.secret, allowUnsigned: config.formWebhooks.allowUnsigned },
    abuse: config.abuse,
    signatureProviders: [signatureProvider],
    // The embedded dev server's UI (run by `leadflow start` here or beside this `leadflow api`); a
    // cluster's UI address is not known, so the dashboard shows no link then.
    temporalUiUrl: config.temporal.mode === 'embedded' ? devServerUiUrl(config.temporal.uiPort) : null,
    linkSecret: await loadLinkSecret(config),
    reportingZone: config.reportingZone,
    accountMail: { ...(deps.mail ?? accountMailer(config)), publicUrl: config.publicUrl },
  });
  const stopReevaluating = deps.reevaluate
    ? reevaluateOnActivation(deps.rules.registry, temporal, {
        taskQueue: config.temporal.taskQueue,
        tenant: config.tenant,
        perSecond: config.reevaluationPerSecond,
        logger: deps.logger,
      })
    : () => undefined;
  const stopExpiringBacktests = expireBacktestsPeriodically(
    deps.db,
    config.backtestRetentionDays,
    deps.logger.child({ component: 'backtest-expiry' }),
  );
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.http.port, config.http.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${port}`;
  return {
    name: 'api',
    url,
    temporal,
    webhookSecret,
    async stop() {
      stopReevaluating();
      await stopExpiringBacktests();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open; in-flight requests get 10 s to finish.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      // What is still pending stays in the outbox; the next start (or another API process) resumes it.
      await dispatcher.stop();
      await retention.stop();
      await temporal.connection.close();
    },
  };
}

/**
 * A `leadflow worker`'s own GET /metrics on HOST:LEADFLOW_WORKER_METRICS_PORT (its activities'
 * counters; the API serves the rest), checking tokens like the API.
 */
export async function serveWorkerMetrics(config: Config, db: Db, logger: Logger): Promise<Stoppable & { url: string }> {
  return startWorkerMetricsServer({
    db,
    defaultTenant: config.tenant,
    abuse: config.abuse,
    logger: logger.child({ component: 'worker-metrics' }),
    host: config.http.host,
    port: config.workerMetricsPort ?? 0,
  });
}

/**
 * Outgoing email: the embedded mail server (unless SMTP_URL names a real one) and a mailer that
 * sends through it. `sink` is set only when the embedded server runs; mount the mailbox API then.
 */
export async function startMail(
  config: Config,
  logger: Logger,
): Promise<Stoppable & { mailer: Mailer; from: string; sink?: MailSink }> {
  const mail = config.mail;
  if (mail.mode === 'external') {
    logger.info({ smtp: mail.url }, 'sending email through SMTP_URL');
    const mailer = createSmtpMailer(mail.smtp);
    return { name: 'mail', mailer, from: mail.from, stop: () => mailer.close() };
  }
  const sink = await startMailSink({
    host: mail.host,
    port: mail.port,
    dir: mail.mailboxDir,
    logger: logger.child({ component: 'mail-sink' }),
  });
  const mailer = createSmtpMailer({ host: sink.host, port: sink.port, secure: false });
  return {
    name: 'mail',
    mailer,
    from: mail.from,
    sink,
    async stop() {
      await mailer.close();
      await sink.stop();
    },
  };
}

/**
 * The e-signature adapter. With the fake provider and no ESIGN_FAKE_URL, the fake runs embedded on
 * 127.0.0.1 (its envelopes kept in the data dir), signing webhooks with the configured (or this
 * start's random) secret and emailing signers through `mail`; call `deliverWebhooksTo(api.url)`
 * once the API listens.
 */
export async function startEsign(
  config: Config,
  logger: Logger,
  mail?: { mailer: Mailer; from: string },
): Promise<
  Stoppable & { provider: SignatureProvider; fakeUrl: string | null; deliverWebhooksTo(apiUrl: string): void }
> {
  const esign = config.esign;
  if (esign.provider !== 'fake' || esign.fake.url) {
    return {
      name: 'esign',
      provider: createSignatureProvider(esign),
      fakeUrl: esign.fake.url ?? null,
      deliverWebhooksTo: () => undefined,
      stop: () => Promise.resolve(),
    };
  }
  const fake = await startFakeSignatureProvider({
    host: '127.0.0.1',
    port: esign.fake.port,
    secret: esign.webhookSecret,
    stateFile: esign.fake.stateFile,
    mail,
    logger: logger.child({ component: 'esign-fake' }),
  });
  logger.info({ url: fake.url }, 'embedded fake e-signature provider running (signer pages at /sign/<envelope>)');
  return {
    name: 'esign-fake',
    provider: createSignatureProvider(esign, { fakeUrl: fake.url }),
    fakeUrl: fake.url,
    deliverWebhooksTo: (apiUrl) => fake.setWebhookUrl(`${apiUrl}/api/webhooks/esign/fake`),
    stop: () => fake.stop(),
  };
}
