import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { DatabaseUrlError, resolveDatabaseTarget, type DatabaseTarget } from './db/database-target';
import type { SmtpMailerOptions } from './email/smtp-mailer';
import { parseSmtpUrl, redactSmtpUrl, SmtpUrlError } from './email/smtp-url';
import { timeZoneName } from './domain/fields';
import type { IntakeSettings } from './api/intake-deps';
import type { WorkerTuning } from './temporal/worker';

const portNumber = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be 0–65535')
  .max(65535, 'must be 0–65535');
const port = (fallback: number) => portNumber.default(fallback);
const count = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');
const optionalText = z.string().trim().min(1).optional();
// `Name <local@domain>` or `local@domain`: the From header of every email leadflow sends.
const mailbox = z
  .string()
  .trim()
  .regex(
    /^(?:[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/,
    'must be an address like "Acme Sales <sales@acme.com>" or "sales@acme.com"',
  );

/**
 * Every environment variable leadflow reads, with its default and meaning. This list is the
 * documented configuration (the README's table is generated from the same descriptions); nothing
 * else in the code reads `process.env` for configuration.
 */
const EnvSchema = z.object({
  PORT: port(3000).describe('HTTP port of the API and dashboard.'),
  HOST: z
    .string()
    .default('127.0.0.1')
    .describe('Interface the API binds to. Use 0.0.0.0 to listen on all interfaces.'),
  LEADFLOW_DATA_DIR: z
    .string()
    .default('.data')
    .describe('Folder for the embedded SQLite database and the Temporal dev server state.'),
  DATABASE_URL: optionalText.describe(
    'Unset: SQLite file in the data dir. `file:/path/db.sqlite` or `postgresql://user:pass@host:5432/leadflow`.',
  ),
  LEADFLOW_RULES_DIR: z.string().default('rules').describe('Folder of the YAML rule files.'),
  LEADFLOW_TENANT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes')
    .default('default')
    .describe('Tenant id used for leads that do not name one.'),
  TEMPORAL_ADDRESS: optionalText.describe(
    'host:port of an existing Temporal cluster or Temporal Cloud. Unset: leadflow runs the embedded dev server.',
  ),
  TEMPORAL_NAMESPACE: z.string().default('default').describe('Temporal namespace.'),
  TEMPORAL_TASK_QUEUE: z
    .string()
    .default('leadflow')
    .describe('Task queue shared by the API (client) and the workers.'),
  TEMPORAL_API_KEY: optionalText.describe('API key for Temporal Cloud (implies TLS).'),
  TEMPORAL_TLS: flag.optional().describe('Force TLS on (true) or off (false) for TEMPORAL_ADDRESS.'),
  TEMPORAL_TLS_CERT_PATH: optionalText.describe('Client certificate (PEM) for mTLS.'),
  TEMPORAL_TLS_KEY_PATH: optionalText.describe('Client private key (PEM) for mTLS.'),
  TEMPORAL_TLS_CA_PATH: optionalText.describe('CA certificate (PEM) to verify the server, if not a public CA.'),
  TEMPORAL_TLS_SERVER_NAME: optionalText.describe('Override the TLS server name (SNI).'),
  TEMPORAL_DEV_PORT: port(7233).describe('gRPC port of the embedded dev server.'),
  TEMPORAL_UI_PORT: port(8233).describe(
    'Web UI port of the embedded dev server; the dashboard\'s "Temporal UI" link points there.',
  ),
  SMTP_URL: optionalText.describe(
    'Unset: leadflow runs an embedded SMTP server that keeps every email in the data dir (read them at `GET /api/dev/mailbox`). `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465` (TLS); percent-encode special characters in the password.',
  ),
  LEADFLOW_SMTP_PORT: port(2525).describe(
    'Port of the embedded SMTP server on 127.0.0.1 (only when SMTP_URL is unset). 0 picks a free port.',
  ),
  MAIL_FROM: mailbox
    .default('leadflow <no-reply@leadflow.local>')
    .describe('From header of the emails leadflow sends, e.g. `Acme Sales <sales@acme.com>`.'),
  LEADFLOW_PUBLIC_URL: z
    .url('must be a URL, e.g. https://leadflow.acme.com')
    .optional()
    .describe('Base URL people use to reach the API and dashboard, for links in emails. Default: http://HOST:PORT.'),
  LEADFLOW_MARKETING_EMAIL: mailbox
    .default('marketing@leadflow.local')
    .describe('Recipient of "notify marketing" automations in scoring.yaml.'),
  LEADFLOW_LINK_SECRET: z
    .string()
    .trim()
    .min(32, 'must be at least 32 characters, e.g. `openssl rand -base64 32`')
    .optional()
    .describe(
      'Secret that signs the unsubscribe links in emails. Unset: generated on first start into `<data dir>/link-secret`. Set the same value on every API and worker that do not share a data dir.',
    ),
  LEADFLOW_WEBHOOK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe(
      'Secret that form webhooks are signed with: X-Leadflow-Signature: sha256=<HMAC-SHA256 of "<X-Leadflow-Timestamp>.<raw body>">. Unset: created on first start in <data dir>/webhook-secret (mode 0600), whose path leadflow prints.',
    ),
  LEADFLOW_WEBHOOK_ALLOW_UNSIGNED: flag
    .default(false)
    .describe(
      'true: accept form webhooks without X-Leadflow-Signature (a signed delivery is still checked), with a warning at every start. Only for form tools that cannot sign.',
    ),
  LEADFLOW_TRUST_PROXY: z
    .string()
    .trim()
    .refine(isTrustProxy, 'must be false, a hop count, or comma-separated addresses or subnets (e.g. 10.0.0.0/8)')
    .default('loopback')
    .describe(
      'Which proxies in front of the API may tell the client address (X-Forwarded-For), for the per-address limits: `loopback`, `false` (none), a hop count, or comma-separated addresses or subnets (`10.0.0.0/8`; `loopback`, `linklocal`, `uniquelocal` are names for ranges).',
    ),
  LEADFLOW_RATE_LIMIT: count(1200).describe(
    'Requests per minute per API token (per client address without one) on every route but intake; 429 with Retry-After beyond it. 0: no limit.',
  ),
  LEADFLOW_INTAKE_RATE_LIMIT: count(3000).describe(
    'Requests per minute per API token (per client address without one) on intake: POST /api/leads, POST /api/leads/{id}/events and the webhooks. 0: no limit.',
  ),
  LEADFLOW_INTAKE_WAIT: z
    .enum(['accepted', 'stored'], { error: 'must be accepted or stored' })
    .default('accepted')
    .describe(
      'What `POST /api/leads` and the form webhook wait for when the request has no `?wait=`: `accepted` (answer 202 once the submission is stored in the intake outbox; its journey starts a moment later) or `stored` (wait until the journey has stored it: 201/200).',
    ),
  LEADFLOW_INTAKE_CONCURRENCY: count(16).describe(
    'Captures that wait for their journey at once (`?wait=stored`), and hand-overs the intake dispatcher runs at once. 0: no limit on the former.',
  ),
  LEADFLOW_INTAKE_QUEUE: count(32).describe(
    'Further `?wait=stored` captures queued for a slot; beyond it, 503 `overloaded` with Retry-After before anything is stored.',
  ),
  LEADFLOW_INTAKE_RETENTION_DAYS: count(30).describe(
    'Days a capture (GET /api/captures/{id}), or a bulk intake whose rows are all stored (GET /api/intake-batches/{id}, with its rows), stays in the intake outbox after its journeys stored it; then it is deleted (pending and failed ones never are). 0: kept for ever.',
  ),
  LEADFLOW_REEVALUATION_RATE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(10_000, 'must be at most 10000')
    .default(50)
    .describe(
      'Open lead journeys re-scored per second after a rules version with `re-evaluate: in-flight` goes live (scoring.yaml). The re-evaluation takes open leads ÷ this many seconds.',
    ),
  LEADFLOW_BACKTEST_RETENTION_DAYS: count(30).describe(
    'Days a finished backtest job (its report and full list of changes) is kept after it finished; the API deletes older ones at start and every hour. `0`: kept until deleted by hand.',
  ),
  LEADFLOW_WORKER_METRICS_PORT: portNumber
    .optional()
    .describe(
      "Port on HOST where `leadflow worker` serves its own GET /metrics (its activities' counters; needs a token with the metrics scope). Unset: none. `leadflow start` and `leadflow api` serve /metrics on PORT.",
    ),
  LEADFLOW_REPORTING_ZONE: timeZoneName()
    .optional()
    .describe(
      'IANA time zone the analytics reports count days, weeks and months in (`America/New_York`), when a request names no `zone`. Unset: the time zone of the default business calendar of escalation.yaml, or UTC while no rules are loaded.',
    ),
  LEADFLOW_BAD_TOKEN_LIMIT: count(10).describe(
    'Invalid API tokens one client address may present within 10 minutes; then every request with a token from it gets 429 for 1 minute, doubling at each repeat up to 1 hour. 0: no limit.',
  ),
  ESIGN_PROVIDER: z
    .enum(['fake'], {
      error: 'must be "fake" (the only adapter so far; docs/deal-desk.md "E-signature" says how to add one)',
    })
    .default('fake')
    .describe(
      'E-signature adapter. `fake`: the local fake provider (a real HTTP service with a signer page and signed webhooks).',
    ),
  ESIGN_FAKE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:4010' })
    .optional()
    .describe(
      'Base URL of a running fake e-signature provider. Unset: `leadflow start` runs one embedded on 127.0.0.1 and logs its URL.',
    ),
  ESIGN_FAKE_PORT: port(0).describe(
    'Port of the embedded fake e-signature provider (only when ESIGN_FAKE_URL is unset). 0 picks a free port.',
  ),
  ESIGN_WEBHOOK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe(
      'Shared secret that e-signature webhooks are signed with (HMAC-SHA256). Unset: a random secret per start, shared with the embedded fake provider.',
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level.'),
});

export type Env = z.infer<typeof EnvSchema>;

/** Validated configuration, resolved once at start-up. */
export interface Config {
  http: { port: number; host: string };
  dataDir: string;
  rulesDir: string;
  tenant: string;
  database: DatabaseTarget;
  temporal: TemporalConfig;
  mail: MailConfig;
  /** Base URL for links in emails. */
  publicUrl: string;
  marketingEmail: string;
  formWebhooks: FormWebhookConfig;
  abuse: AbuseConfig;
  /** LEADFLOW_INTAKE_*: what a capture waits for, and the bounds of lead intake. */
  intake: IntakeSettings;
  /** LEADFLOW_LINK_SECRET; unset: the data dir's generated one (src/cli/link-secret.ts). */
  linkSecret?: string;
  esign: EsignConfig;
  /** LEADFLOW_WORKER_METRICS_PORT: where a `leadflow worker` serves its own /metrics; unset: nowhere. */
  workerMetricsPort?: number;
  /** LEADFLOW_REEVALUATION_RATE: open journeys re-scored per second after an `in-flight` activation. */
  reevaluationPerSecond: number;
  /** LEADFLOW_BACKTEST_RETENTION_DAYS: finished backtest jobs older than this are deleted; 0: never. */
  backtestRetentionDays: number;
  /** LEADFLOW_REPORTING_ZONE; null: the default business calendar's zone (escalation.yaml), else UTC. */
  reportingZone: string | null;
  logLevel: Env['LOG_LEVEL'];
  /** How the embedded dev server and the worker are tuned: code defaults, measured by `npm run bench -- levers`. */
  engine: EngineTuning;
}

/**
 * The throughput levers of docs/operations.md "Lead intake under load". Not environment variables:
 * each was measured, and the defaults are what held up; the levers benchmark sets them per variant.
 */
export interface EngineTuning {
  /** `--sqlite-pragma` settings of the embedded dev server's file (`temporal.db`). */
  devServerSqlitePragmas: Readonly<Record<string, string>>;
  /** Worker options; absent ones keep the Temporal SDK's defaults. */
  worker: WorkerTuning;
}

/**
 * The engine's own defaults. WAL on the dev server's file measured 1.5× the journeys stored per
 * second (docs/operations.md "Tuning levers, measured"). `synchronous=FULL` is what the dev server's
 * SQLite already does under WAL (every commit's WAL frames fsynced before it answers); it is set
 * here so that no driver default can turn it into NORMAL, which a power cut could cost the last
 * acknowledged commits. The dev server leaves `temporal.db-wal` and `-shm` when it stops;
 * stop() checkpoints them back into `temporal.db` (src/temporal/dev-server.ts).
 * The worker options measured showed no gain beyond the noise, so they keep the SDK's defaults.
 */
export const DEFAULT_ENGINE_TUNING: EngineTuning = {
  devServerSqlitePragmas: { journal_mode: 'wal', synchronous: 'full' },
  worker: {},
};

/** How form webhook deliveries are authenticated. */
export interface FormWebhookConfig {
  /** LEADFLOW_WEBHOOK_SECRET; unset: the API reads (or, the first time, creates) `secretFile`. */
  secret?: string;
  /** `<data dir>/webhook-secret`. */
  secretFile: string;
  /** LEADFLOW_WEBHOOK_ALLOW_UNSIGNED: deliveries without a signature are accepted. */
  allowUnsigned: boolean;
}

/** Limits that slow down abuse of the API; a limit of 0 is off. */
export interface AbuseConfig {
  /** Express's `trust proxy`: who may tell the client address in X-Forwarded-For. */
  trustProxy: boolean | number | string;
  /** Requests per minute per token (or address) on every route but intake. */
  apiPerMinute: number;
  /** Requests per minute per token (or address) on intake routes. */
  intakePerMinute: number;
  /** Invalid tokens per address within the bad-token window before the address is blocked. */
  badTokens: number;
}

/** The e-signature adapter and the secret its webhooks are verified with. */
export interface EsignConfig {
  provider: Env['ESIGN_PROVIDER'];
  /** ESIGN_WEBHOOK_SECRET, or a random one generated at start (shared with the embedded fake). */
  webhookSecret: string;
  fake: {
    /** A fake provider running elsewhere; unset: `leadflow start` runs one embedded. */
    url?: string;
    port: number;
    /** Where the embedded fake keeps its envelopes across restarts. */
    stateFile: string;
  };
}

/** Where outgoing email goes: the embedded SMTP sink (a mailbox in the data dir) or a real server. */
export type MailConfig =
  | { mode: 'embedded'; from: string; host: '127.0.0.1'; port: number; mailboxDir: string }
  | {
      mode: 'external';
      from: string;
      smtp: SmtpMailerOptions;
      /** SMTP_URL without its password, for logs. */ url: string;
    };

export type TemporalConfig =
  | {
      mode: 'embedded';
      address: string;
      namespace: string;
      taskQueue: string;
      uiPort: number;
      devPort: number;
      dbFile: string;
    }
  | {
      mode: 'external';
      address: string;
      namespace: string;
      taskQueue: string;
      apiKey?: string;
      tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string } | false;
    };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment; throws a ConfigError that names each bad variable and its fix. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      return `  ${key}=${JSON.stringify(env[key] ?? '')}: ${issue.message}. ${describe(key)}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.LEADFLOW_DATA_DIR);
  let database: DatabaseTarget;
  try {
    database = resolveDatabaseTarget(e.DATABASE_URL, dataDir);
  } catch (error) {
    if (error instanceof DatabaseUrlError)
      throw new ConfigError(`Invalid configuration:\n  DATABASE_URL: ${error.message}`);
    throw error;
  }
  const mail = mailConfig(e, dataDir);
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(
      'Invalid configuration:\n  TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (mTLS needs both).',
    );
  }
  if (e.ESIGN_FAKE_URL && !e.ESIGN_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  ESIGN_FAKE_URL is set but ESIGN_WEBHOOK_SECRET is not: set it to the secret that provider signs its webhooks with, or every webhook is refused.',
    );
  }
  return {
    http: { port: e.PORT, host: e.HOST },
    dataDir,
    rulesDir: path.resolve(e.LEADFLOW_RULES_DIR),
    tenant: e.LEADFLOW_TENANT,
    database,
    temporal: e.TEMPORAL_ADDRESS
      ? externalTemporal(e, e.TEMPORAL_ADDRESS)
      : {
          mode: 'embedded',
          address: `127.0.0.1:${e.TEMPORAL_DEV_PORT}`,
          namespace: e.TEMPORAL_NAMESPACE,
          taskQueue: e.TEMPORAL_TASK_QUEUE,
          uiPort: e.TEMPORAL_UI_PORT,
          devPort: e.TEMPORAL_DEV_PORT,
          dbFile: path.join(dataDir, 'temporal.db'),
        },
    mail,
    publicUrl: (e.LEADFLOW_PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(
      /\/$/,
      '',
    ),
    marketingEmail: e.LEADFLOW_MARKETING_EMAIL,
    formWebhooks: {
      secret: e.LEADFLOW_WEBHOOK_SECRET,
      secretFile: path.join(dataDir, 'webhook-secret'),
      allowUnsigned: e.LEADFLOW_WEBHOOK_ALLOW_UNSIGNED,
    },
    abuse: {
      trustProxy: trustProxySetting(e.LEADFLOW_TRUST_PROXY),
      apiPerMinute: e.LEADFLOW_RATE_LIMIT,
      intakePerMinute: e.LEADFLOW_INTAKE_RATE_LIMIT,
      badTokens: e.LEADFLOW_BAD_TOKEN_LIMIT,
    },
    linkSecret: e.LEADFLOW_LINK_SECRET,
    esign: {
      provider: e.ESIGN_PROVIDER,
      webhookSecret: e.ESIGN_WEBHOOK_SECRET ?? randomBytes(32).toString('hex'),
      fake: {
        url: e.ESIGN_FAKE_URL?.replace(/\/$/, ''),
        port: e.ESIGN_FAKE_PORT,
        stateFile: path.join(dataDir, 'esign-fake.json'),
      },
    },
    workerMetricsPort: e.LEADFLOW_WORKER_METRICS_PORT,
    reevaluationPerSecond: e.LEADFLOW_REEVALUATION_RATE,
    backtestRetentionDays: e.LEADFLOW_BACKTEST_RETENTION_DAYS,
    intake: {
      wait: e.LEADFLOW_INTAKE_WAIT,
      concurrency: e.LEADFLOW_INTAKE_CONCURRENCY,
      queue: e.LEADFLOW_INTAKE_QUEUE,
      retentionDays: e.LEADFLOW_INTAKE_RETENTION_DAYS,
    },
    reportingZone: e.LEADFLOW_REPORTING_ZONE ?? null,
    logLevel: e.LOG_LEVEL,
    engine: DEFAULT_ENGINE_TUNING,
  };
}

function mailConfig(e: Env, dataDir: string): MailConfig {
  if (!e.SMTP_URL)
    return {
      mode: 'embedded',
      from: e.MAIL_FROM,
      host: '127.0.0.1',
      port: e.LEADFLOW_SMTP_PORT,
      mailboxDir: path.join(dataDir, 'mailbox'),
    };
  try {
    return { mode: 'external', from: e.MAIL_FROM, smtp: parseSmtpUrl(e.SMTP_URL), url: redactSmtpUrl(e.SMTP_URL) };
  } catch (error) {
    if (error instanceof SmtpUrlError) throw new ConfigError(`Invalid configuration:\n  SMTP_URL: ${error.message}`);
    throw error;
  }
}

function externalTemporal(e: Env, address: string): TemporalConfig {
  const wantsTls = e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH);
  return {
    mode: 'external',
    address,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    apiKey: e.TEMPORAL_API_KEY,
    tls: wantsTls
      ? {
          certPath: e.TEMPORAL_TLS_CERT_PATH,
          keyPath: e.TEMPORAL_TLS_KEY_PATH,
          caPath: e.TEMPORAL_TLS_CA_PATH,
          serverName: e.TEMPORAL_TLS_SERVER_NAME,
        }
      : false,
  };
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** LEADFLOW_TRUST_PROXY's syntax: false, a hop count, or addresses, subnets and range names. */
function isTrustProxy(value: string): boolean {
  if (value === 'false' || /^\d{1,2}$/.test(value)) return true;
  return value.split(',').every((item) => {
    const [address, bits, ...rest] = item.trim().split('/');
    if (PROXY_RANGE_NAMES.has(address ?? '') && bits === undefined) return true;
    const version = isIP(address ?? '');
    if (version === 0 || rest.length > 0) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
  });
}

/** The value Express's `trust proxy` setting takes for a validated LEADFLOW_TRUST_PROXY. */
function trustProxySetting(value: string): boolean | number | string {
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function describe(key: string): string {
  return EnvSchema.shape[key as keyof Env]?.description ?? '';
}

/** The documented variables with their defaults, for `leadflow config` and the README. */
export function configReference(): Array<{ name: string; default: string; description: string }> {
  return Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const parsed = (schema as z.ZodType<unknown>).safeParse(undefined);
    const fallback =
      parsed.success && ['string', 'number', 'boolean'].includes(typeof parsed.data) ? String(parsed.data) : '';
    return { name, default: fallback, description: schema.description ?? '' };
  });
}
