/**
 * `leadflow start`, `leadflow worker` and `leadflow api`: the long-running processes, composed from
 * ./services.ts. Its own module so that the levers benchmark (src/bench/levers.ts) can run `start`
 * with other engine tuning.
 */
import { loadConfig, type Config } from '../config';
import { createLogger } from '../logger';
import { bootstrapAdmin } from '../usecases/bootstrap-admin';
import { lockSqliteForApi } from './api-lock';
import { startRules } from './rules-runtime';
import { openDatabase } from './database';
import { installShutdown, ShutdownRequested } from './shutdown';
import type { WebhookSecret } from './webhook-secret';

/** Rebuilds the web workspace when its sources changed since `npm install` built it (a few seconds); never fatal. */
async function ensureWorkspaceBuilt(logger: ReturnType<typeof createLogger>): Promise<void> {
  try {
    const { buildWorkspace } = await import('../web/build');
    const result = await buildWorkspace();
    if (result.built) logger.info({ dir: result.dir }, 'web workspace rebuilt from changed sources');
  } catch (error) {
    logger.warn({ err: error }, 'the web workspace did not build; the API and the operations console still run');
  }
}

/**
 * Runs `mode` until a signal stops it; the exit code. `tune` adjusts the loaded configuration
 * (the levers benchmark sets other engine tuning through it).
 */
export async function runServices(
  mode: 'start' | 'worker' | 'api',
  tune: (config: Config) => Config = (config) => config,
): Promise<number> {
  // Loaded here, not at the top: the API and the Temporal worker take seconds to load, which the
  // one-shot commands (people, tokens, rules, demo, import) need not wait for. Loaded first, as the
  // top-level import was: before the configuration is read and before Ctrl+C is handled.
  const { runApi, runWorker, serveWorkerMetrics, startEsign, startMail, startTemporalIfEmbedded } =
    await import('./services');
  const config = tune(loadConfig());
  const logger = createLogger(config.logLevel);
  const shutdown = installShutdown(logger);
  try {
    if (mode !== 'worker' && config.database.provider === 'sqlite') {
      const lock = lockSqliteForApi(config.database.filePath);
      await shutdown.add({ name: 'api lock', stop: () => Promise.resolve(lock.release()) });
    }
    const devServer = mode === 'start' ? await startTemporalIfEmbedded(config, logger, shutdown.signal) : undefined;
    if (devServer) await shutdown.add(devServer);
    const db = await openDatabase(config, logger);
    await shutdown.add({ name: 'database', stop: () => db.$disconnect() });
    const rules = await shutdown.add(await startRules(config, db, logger));
    if (mode !== 'worker') await bootstrapAdmin(db, { tenant: config.tenant, dataDir: config.dataDir, logger });
    const mail = mode === 'api' ? undefined : await shutdown.add(await startMail(config, logger));
    // The embedded fake e-signature provider runs with `start` only; worker/api processes use ESIGN_FAKE_URL.
    const esign = mode === 'start' ? await shutdown.add(await startEsign(config, logger, mail)) : undefined;
    if (mail) {
      const deps = { db, registry: rules.registry, mail, signatureProvider: esign?.provider };
      await shutdown.add(await runWorker(config, deps, logger, { shutdown: shutdown.signal }));
    }
    // A worker's counters live in its process; `start` and `api` serve them (and the API's) on PORT.
    if (mode === 'worker' && config.workerMetricsPort !== undefined)
      await shutdown.add(await serveWorkerMetrics(config, db, logger));
    if (mode !== 'worker') {
      await ensureWorkspaceBuilt(logger);
      const api = await shutdown.add(
        await runApi(config, {
          db,
          rules,
          logger,
          mailbox: mail?.sink,
          signatureProvider: esign?.provider,
          mail,
          reevaluate: mode === 'api',
        }),
      );
      esign?.deliverWebhooksTo(api.url);
      printWhereToLook(
        mode,
        api.url,
        devServer?.uiUrl ?? null,
        config.temporal.address,
        mail?.sink ? `${api.url}/api/dev/mailbox` : null,
        esign?.fakeUrl ?? null,
        formWebhookLine(api.webhookSecret, config.formWebhooks.allowUnsigned),
      );
    }
    return await shutdown.done;
  } catch (error) {
    // Ctrl+C during start-up: whatever had started is stopped, and that is a clean exit.
    if (shutdown.signal.aborted) {
      if (!(error instanceof ShutdownRequested)) logger.info({ err: error }, 'start-up interrupted by the shutdown');
      await shutdown.now();
      return await shutdown.done;
    }
    await shutdown.now();
    throw error;
  }
}

function printWhereToLook(
  mode: string,
  apiUrl: string,
  temporalUi: string | null,
  temporalAddress: string,
  mailboxUrl: string | null,
  esignUrl: string | null,
  formWebhooks: string,
): void {
  const lines = [
    '',
    `  leadflow ${mode} is running`,
    `  API          ${apiUrl}/api   (OpenAPI: ${apiUrl}/openapi.json, health: ${apiUrl}/health)`,
    `  Workspace    ${apiUrl}/   (sign in with a password, or the admin's API token; operations console: /console)`,
    ...(mailboxUrl ? [`  Mailbox      ${mailboxUrl}   (revops only; emails caught by the embedded SMTP server)`] : []),
    `  Webhooks     ${formWebhooks}`,
    ...(esignUrl ? [`  E-signature  ${esignUrl}/   (fake provider: envelopes and signer pages)`] : []),
    `  Temporal UI  ${temporalUi ?? `(external cluster at ${temporalAddress})`}`,
    '  Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** How form webhooks are signed, for the start-up banner: where the secret is, never the secret. */
function formWebhookLine(secret: WebhookSecret, allowUnsigned: boolean): string {
  const where = secret.file ? `the secret in ${secret.file}` : 'LEADFLOW_WEBHOOK_SECRET';
  return allowUnsigned
    ? `form deliveries signed with ${where}, or UNSIGNED (LEADFLOW_WEBHOOK_ALLOW_UNSIGNED=true: anyone may post leads)`
    : `form deliveries must be signed with ${where}`;
}
