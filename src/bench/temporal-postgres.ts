/**
 * A Temporal server that persists to PostgreSQL, as a production cluster does, for the scale-out
 * benchmark (`npm run bench -- scale --temporal=postgresql`; docs/operations.md, "Against a Temporal
 * server on PostgreSQL"). The dev server leadflow embeds keeps its state in SQLite; this one is the
 * real server, `go.temporal.io/server`, built from its Go module (the only way to get it here: the
 * machine reaches package registries, and the Go module proxy is one), with its schema tool.
 *
 * It builds the two binaries once into `.tools/temporal-server/<version>/` (`go install`, about
 * 15 minutes on 2 cores; GOTOOLCHAIN=auto fetches the Go release the module asks for), creates two
 * fresh databases on the given PostgreSQL server, sets up and updates their schemas with the
 * server's embedded schema files, writes a single-node configuration on free ports, starts all four
 * services in one process and registers the `default` namespace.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import pg from 'pg';
import { stringify } from 'yaml';
import { findFreePort, waitForPort } from '../temporal/dev-server';
import { toolsDir } from '../temporal/provision';

const run = promisify(execFile);

/** The server release built; its go.mod asks for Go 1.26.10 (GOTOOLCHAIN=auto fetches it). */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';

export interface PostgresTemporal {
  address: string;
  namespace: string;
  /** The server's log so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** `server` and `sql` (the schema tool), built once per version; `log` hears what takes long. */
export async function ensureTemporalServer(log: (message: string) => void): Promise<{ server: string; sql: string }> {
  const dir = path.join(toolsDir(), 'temporal-server', TEMPORAL_SERVER_VERSION);
  const server = path.join(dir, 'server');
  const sql = path.join(dir, 'sql');
  if (existsSync(server) && existsSync(sql)) return { server, sql };
  mkdirSync(dir, { recursive: true });
  log(
    `building the Temporal server ${TEMPORAL_SERVER_VERSION} from its Go module into ${dir} (once; about 15 minutes)`,
  );
  await run(
    'go',
    [
      'install',
      `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    ],
    { env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'auto', GOBIN: dir }, maxBuffer: 64 * 1024 * 1024 },
  );
  return { server, sql };
}

/**
 * Starts the server on `serverUrl`'s PostgreSQL (a URL of a role that may create databases), in
 * databases named `<prefix>_temporal` and `<prefix>_visibility`, dropped again by stop().
 */
export async function startPostgresTemporal(options: {
  serverUrl: string;
  log: (message: string) => void;
}): Promise<PostgresTemporal> {
  const binaries = await ensureTemporalServer(options.log);
  const url = new URL(options.serverUrl);
  const prefix = `leadflow_temporal_${randomBytes(4).toString('hex')}`;
  const databases = { main: `${prefix}_temporal`, visibility: `${prefix}_visibility` };
  const sqlArgs = (database: string) => [
    '--plugin',
    'postgres12',
    '--ep',
    url.hostname,
    '--port',
    url.port || '5432',
    '--user',
    decodeURIComponent(url.username),
    '--password',
    decodeURIComponent(url.password),
    '--db',
    database,
  ];
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: options.serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  for (const [database, schema] of [
    [databases.main, 'postgresql/v12/temporal'],
    [databases.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    await admin(`CREATE DATABASE ${database}`);
    await run(binaries.sql, [...sqlArgs(database), 'setup-schema', '-v', '0.0']);
    await run(binaries.sql, [...sqlArgs(database), 'update-schema', '--schema-name', schema]);
  }

  const ip = '127.0.0.1';
  const port = await findFreePort();
  const ports = async () => ({ grpcPort: await findFreePort(), membershipPort: await findFreePort() });
  const datastore = (database: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${url.hostname}:${url.port || '5432'}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: 4,
      datastores: { default: datastore(databases.main, 20), visibility: datastore(databases.visibility, 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: ip } },
    services: {
      frontend: { rpc: { grpcPort: port, membershipPort: await findFreePort(), bindOnLocalHost: true } },
      history: { rpc: { ...(await ports()), bindOnLocalHost: true } },
      matching: { rpc: { ...(await ports()), bindOnLocalHost: true } },
      worker: { rpc: { ...(await ports()), bindOnLocalHost: true } },
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${ip}:${port}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-temporal-pg-'));
  const configFile = path.join(dir, 'temporal.yaml');
  writeFileSync(configFile, stringify(config));

  let output = '';
  const child: ChildProcess = spawn(binaries.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
    for (const database of Object.values(databases))
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  };
  try {
    await waitForPort(ip, port, 60_000);
    const connection = await Connection.connect({ address: `${ip}:${port}` });
    try {
      await registerDefaultNamespace(connection);
    } finally {
      await connection.close();
    }
  } catch (error) {
    await stop();
    throw new Error(`the Temporal server did not start: ${String(error)}\n${output.slice(-4000)}`);
  }
  return { address: `${ip}:${port}`, namespace: 'default', output: () => output, stop };
}

/** Registers `default` and waits until the frontend knows it (namespaces propagate within seconds). */
async function registerDefaultNamespace(connection: Connection): Promise<void> {
  const deadline = Date.now() + 60_000;
  let registered = false;
  for (;;) {
    try {
      if (!registered) {
        await connection.workflowService.registerNamespace({
          namespace: 'default',
          workflowExecutionRetentionPeriod: msToTs('1 day'),
        });
        registered = true;
      }
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      // The history service learns of a new namespace a few seconds after the frontend does:
      // ready when a workflow can start in it.
      const probe = new Client({ connection, namespace: 'default' }).workflow;
      const handle = await probe.start('probe', {
        taskQueue: 'probe',
        workflowId: `probe-${randomBytes(4).toString('hex')}`,
      });
      await handle.terminate('readiness probe');
      return;
    } catch (error) {
      // ALREADY_EXISTS (6) means a previous attempt got through.
      if ((error as { code?: number }).code === 6) registered = true;
      else if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
