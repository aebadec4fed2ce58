import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startRules } from '../../src/cli/rules-runtime';
import { runApi, runWorker, startMail } from '../../src/cli/services';
import type { Stoppable } from '../../src/cli/stoppable';
import type { MailSink } from '../../src/email/mail-sink';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { Client } from '@temporalio/client';
import { createTestDatabase, type Provider, type TestDatabase } from './database';
import type { PersonRole } from '../../src/auth/actor';
import { issueToken } from '../../src/auth/tokens';
import type { Db } from '../../src/db/client';
import { createTemporalClient } from '../../src/temporal/connection';

export interface TestSystem {
  url: string;
  config: Config;
  database: TestDatabase;
  temporal: Client;
  /** The embedded SMTP server's mailbox: every email the system sent. */
  mailbox: MailSink | undefined;
  /**
   * A revops token of the system's tenant (`revops@leadflow.test`). `http()` sends it to this
   * system when a request names no Authorization header and is not `anonymous`, so a test that is
   * not about access control reads as the tenant's administrator.
   */
  revopsToken: string;
  /** A person of the system's tenant (their Rep row upserted) with a fresh API token; returns the secret. */
  personToken(email: string, role: PersonRole, extra?: PersonExtra): Promise<string>;
  /** Stops the worker (journeys then wait: Temporal holds their tasks) and starts it again. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  /** Watch the rules directory for changes, as `leadflow start` does (default false). */
  watchRules?: boolean;
  /** Run on this database instead of a fresh one (a "restart"); the caller drops it, `stop()` does not. */
  database?: TestDatabase;
  /** Start the worker (default true); without it, `startWorker()` starts it later. */
  worker?: boolean;
  /**
   * How often the API tries one Temporal call while Temporal is unreachable (default the SDK's 10,
   * about 20 s in all). Tests that stop Temporal pass 5 (about 2 s), so each refused call costs
   * them seconds, not twenty.
   */
  temporalCallAttempts?: number;
  /** The API starts re-scoring when its rules go live, as `leadflow api` on its own does (default false). */
  apiReevaluates?: boolean;
}

/**
 * The real system for one test file: the shared dev server, a fresh database of the chosen
 * provider, a worker on a task queue of its own (so files never see each other's work), and the
 * HTTP API on a free port.
 */
export async function startTestSystem(
  provider: Provider,
  env: Record<string, string> = {},
  options: TestSystemOptions = {},
): Promise<TestSystem> {
  const database = options.database ?? (await createTestDatabase(provider));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-system-'));
  const config = loadConfig({
    PORT: '0',
    LEADFLOW_DATA_DIR: dataDir,
    LEADFLOW_SMTP_PORT: '0',
    DATABASE_URL: database.target.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    // Journey ids derive from tenant + email; a tenant per system keeps files and providers apart
    // on the shared dev server.
    LEADFLOW_TENANT: `t-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    // Most suites read a lead right after capturing it, so they capture as `?wait=stored` clients
    // do; the acknowledge-first default is tested on its own (test/api/intake-outbox.int.test.ts).
    LEADFLOW_INTAKE_WAIT: 'stored',
    ...env,
  });
  const logger = createLogger(config.logLevel);
  const started: Stoppable[] = [];
  const rules = await startRules(config, database.db, logger, { watch: options.watchRules ?? false });
  started.push(rules);
  const mail = await startMail(config, logger);
  started.push(mail);
  let worker: Stoppable | undefined;
  const startWorker = async () => {
    worker ??= await runWorker(config, { db: database.db, registry: rules.registry, mail }, logger, {
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
  };
  const stopWorker = async () => {
    await worker?.stop();
    worker = undefined;
  };
  if (options.worker ?? true) await startWorker();
  started.push({ name: 'worker', stop: stopWorker });
  const temporal = options.temporalCallAttempts
    ? createTemporalClient(config.temporal, { callAttempts: options.temporalCallAttempts })
    : undefined;
  const api = await runApi(config, {
    db: database.db,
    rules,
    logger,
    mailbox: mail.sink,
    mail,
    temporal,
    reevaluate: options.apiReevaluates ?? false,
  });
  started.push(api);
  const revopsToken = await createPersonToken(database.db, config.tenant, 'revops@leadflow.test', 'revops', {
    label: 'test default',
  });
  defaultTokens.set(new URL(api.url).origin, revopsToken);
  return {
    url: api.url,
    revopsToken,
    config,
    database,
    temporal: api.temporal,
    mailbox: mail.sink,
    personToken: (email, role, extra) => createPersonToken(database.db, config.tenant, email, role, extra),
    startWorker,
    stopWorker,
    async stop() {
      defaultTokens.delete(new URL(api.url).origin);
      for (const part of started.reverse()) await part.stop();
      if (!options.database) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface PersonExtra {
  name?: string;
  /** Their manager's email; the manager must already be a person. */
  managerEmail?: string;
  timeZone?: string;
  /** The language of their emails (en | zh-CN); default en. */
  language?: 'en' | 'zh-CN';
  /** Label of the token (default "test"). */
  label?: string;
  expiresInDays?: number;
}

/**
 * Upserts a person (a Rep row, active, with this role) and issues them a token through the token
 * module, as `leadflow people add` and `leadflow tokens create` would; returns the secret.
 */
export async function createPersonToken(
  db: Db,
  tenant: string,
  email: string,
  role: PersonRole,
  extra: PersonExtra = {},
): Promise<string> {
  const manager = extra.managerEmail
    ? await db.rep.findUniqueOrThrow({ where: { tenant_email: { tenant, email: extra.managerEmail } } })
    : null;
  const fields = {
    name: extra.name ?? email.split('@')[0] ?? email,
    role,
    active: true,
    ...(manager ? { managerId: manager.id } : {}),
    ...(extra.timeZone ? { timeZone: extra.timeZone } : {}),
    ...(extra.language ? { language: extra.language } : {}),
  };
  await db.rep.upsert({
    where: { tenant_email: { tenant, email } },
    create: { id: `rep_${randomBytes(16).toString('hex')}`, tenant, email, ...fields },
    update: fields,
  });
  const issued = await issueToken(db, {
    tenant,
    personEmail: email,
    label: extra.label ?? 'test',
    expiresInDays: extra.expiresInDays,
    by: { system: 'cli' },
    now: new Date(),
  });
  return issued.token;
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Each running test system's revops token, by origin (see TestSystem.revopsToken). */
const defaultTokens = new Map<string, string>();

/**
 * JSON over HTTP, returning status and parsed body. A request to a test system without an
 * Authorization header carries the system's revops token, unless `anonymous` is set.
 */
export async function http(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    anonymous?: boolean;
  } = {},
) {
  const given = Object.keys(init.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
  const token = init.anonymous || given ? undefined : defaultTokens.get(new URL(url).origin);
  const response = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}), ...init.headers },
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
