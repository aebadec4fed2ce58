import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../logger';

export interface DevServerOptions {
  /** Path of the `temporal` CLI binary (see provision.ts). */
  binary: string;
  /** SQLite file for durable state; omit for an in-memory server (tests). */
  dbFile?: string;
  ip?: string;
  port: number;
  /** Web UI port, or null to run headless. */
  uiPort: number | null;
  namespace: string;
  logger: Logger;
  /** How long to wait for the server to accept connections. */
  readyTimeoutMs?: number;
  /**
   * Where to record the server's pid. If a previous leadflow was killed without a chance to stop
   * its dev server, the orphan still holds the ports and the database file; with a pid file the
   * next start finds it and stops it first.
   */
  pidFile?: string;
  /**
   * Run the server in a process group of its own, so that a Ctrl+C in the terminal reaches only
   * leadflow, which stops the server last (after the worker has drained) instead of alongside it.
   */
  ownProcessGroup?: boolean;
  /**
   * `--sqlite-pragma` settings for the server's SQLite file, e.g. `{ journal_mode: 'wal' }`; none
   * by default. In WAL mode stop() checkpoints the file once the server has exited.
   */
  sqlitePragmas?: Readonly<Record<string, string>>;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  /** Resolves when the server process exits, for whatever reason, with how it ended. */
  exited: Promise<DevServerExit>;
  stop(): Promise<void>;
}

/** How the server process ended: its exit code, or the signal that killed it. */
export interface DevServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class DevServerError extends Error {
  override readonly name = 'DevServerError';
}

/**
 * Starts `temporal server start-dev` as a child process and resolves when its frontend accepts
 * connections. With a dbFile its state (journeys, pending timers) survives restarts.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const log = options.logger.child({ component: 'temporal-dev-server' });
  if (options.pidFile) await stopOrphan(options.pidFile, options.binary, log);
  await assertPortFree(ip, options.port, 'TEMPORAL_DEV_PORT');
  if (options.uiPort !== null) await assertPortFree(ip, options.uiPort, 'TEMPORAL_UI_PORT');

  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
  ];
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const [pragma, value] of Object.entries(options.sqlitePragmas ?? {}))
    args.push('--sqlite-pragma', `${pragma}=${value}`);
  args.push(...(options.uiPort === null ? ['--headless'] : ['--ui-port', String(options.uiPort)]));

  const child = spawn(options.binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  const recentOutput: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      recentOutput.push(line);
      if (recentOutput.length > 20) recentOutput.shift();
      log.debug({ line }, 'dev server output');
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const exited = new Promise<DevServerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      // The pid file names a running server only; keep it if a newer server has written its own.
      if (options.pidFile && readPid(options.pidFile) === child.pid) rmSync(options.pidFile, { force: true });
      resolve({ code, signal });
    });
    // The binary could not be run at all (removed, not executable): report it like an exit.
    child.once('error', (error) => {
      recentOutput.push(error.message);
      resolve({ code: null, signal: null });
    });
  });

  // Written at once, so that a leadflow killed during start-up still leaves a way to its server.
  if (options.pidFile && child.pid) writeFileSync(options.pidFile, String(child.pid));

  const address = `${ip}:${options.port}`;
  const ready = await Promise.race([
    waitForPort(ip, options.port, options.readyTimeoutMs ?? 60_000).then(
      () => 'ready' as const,
      (error: unknown) => error as Error,
    ),
    exited.then(() => 'exited' as const),
  ]);
  if (ready !== 'ready') {
    // A server that never answered is not left running (a supervisor would otherwise pile them up).
    child.kill('SIGKILL');
    const what = ready === 'exited' ? 'The Temporal dev server exited during start-up.' : ready.message;
    throw new DevServerError(`${what}\n${recentOutput.join('\n')}`);
  }
  log.info({ address, dbFile: options.dbFile ?? 'in-memory' }, 'Temporal dev server started');

  let stopping: Promise<void> | undefined;
  return {
    address,
    uiUrl: options.uiPort === null ? null : devServerUiUrl(options.uiPort, ip),
    process: child,
    exited,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          if (options.dbFile) checkpointWal(options.dbFile, log);
          return;
        }
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
        if (options.dbFile) checkpointWal(options.dbFile, log);
        log.info('Temporal dev server stopped');
      })()),
  };
}

/**
 * The dev server does not checkpoint a WAL-mode file when it stops, and leaves `<file>-wal` (the
 * last commits) and `<file>-shm` beside it. With the server gone, this moves the WAL's commits into
 * the file and returns it to a rollback journal, which removes both: `temporal.db` alone is then
 * the whole state (a copy of it is a backup), and the next start turns WAL on again. A failure is
 * only logged: the WAL stays, and SQLite replays it when the file is next opened, so nothing is lost.
 */
export function checkpointWal(dbFile: string, log: Logger): void {
  if (!existsSync(`${dbFile}-wal`) && !existsSync(`${dbFile}-shm`)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(dbFile, { fileMustExist: true, timeout: 2_000 });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    log.warn(
      { err: error, dbFile },
      'could not checkpoint the Temporal dev server file; its WAL stays for the next start',
    );
  } finally {
    db?.close();
  }
}

/** Where the dev server's web UI answers (the dashboard and the start-up banner link to it). */
export function devServerUiUrl(uiPort: number, ip = '127.0.0.1'): string {
  return `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${uiPort}`;
}

/** Stops a dev server left running by a leadflow that was killed (its pid file survived). */
async function stopOrphan(pidFile: string, binary: string, log: Logger): Promise<void> {
  const pid = readPid(pidFile);
  rmSync(pidFile, { force: true });
  if (pid === undefined || !isAlive(pid)) return;
  const commandLine = readCommandLine(pid);
  // Only ever stop our own dev server, never an unrelated process that reused the pid.
  if (commandLine !== undefined && !(commandLine.includes(path.basename(binary)) && commandLine.includes('start-dev')))
    return;
  log.warn({ pid }, 'stopping a Temporal dev server left over from a previous run');
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

async function assertPortFree(ip: string, port: number, variable: string): Promise<void> {
  if (port === 0) return;
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new DevServerError(
      `Port ${ip}:${port} is already in use, so the embedded Temporal server cannot start. ` +
        `Is another leadflow (or \`temporal server start-dev\`) running? Stop it, or set ${variable} to a free port.`,
    );
  }
}

/** Resolves once a TCP connection to ip:port succeeds. */
export async function waitForPort(ip: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: ip, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new DevServerError(`Timed out after ${timeoutMs} ms waiting for ${ip}:${port}`);
}

/**
 * A free TCP port for a server that is started a moment later (tests run their own servers side
 * by side). It is drawn at random below Linux's ephemeral range (32768–60999), where the kernel
 * never hands out ports on its own: a port the OS picked for `listen(0)` and released at once can
 * be given to any other socket (an outgoing connection, a server on port 0) before our server binds
 * it, which made a parallel test's dev server fail with "address already in use".
 */
export async function findFreePort(ip = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PORT_POOL.from + Math.floor(Math.random() * (PORT_POOL.to - PORT_POOL.from));
    if (await canListen(ip, port)) return port;
  }
  return osPickedPort(ip);
}

/** Where findFreePort draws from: registered ports below the ephemeral range, clear of the common ones (3000, 5432, 7233, 8080 …). */
const PORT_POOL = { from: 20_000, to: 32_000 };

function canListen(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

function osPickedPort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
