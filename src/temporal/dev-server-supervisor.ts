import { startDevServer, type DevServer, type DevServerExit, type DevServerOptions } from './dev-server';

/** When to restart a dev server that died: exponential backoff, capped, reset after a good run. */
export interface RestartPolicy {
  /** Wait before the first restart; it doubles after each failed start or short-lived run. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A server that ran at least this long before it died was healthy: the wait starts over. */
  stableAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 10_000, stableAfterMs: 60_000 };

export interface SupervisedDevServer {
  address: string;
  uiUrl: string | null;
  /** The server process running now; undefined while a restart is pending. */
  current(): DevServer | undefined;
  /** How many times the server was restarted after it died. */
  restarts(): number;
  /** Stops supervising, cancels a pending restart and stops the server. */
  stop(): Promise<void>;
  /** For a forced exit: stops supervising and asks the server to stop, without waiting. */
  stopNow(): void;
}

/**
 * Starts the embedded dev server and keeps it running: when its process dies (crash, OOM kill,
 * someone's `kill -9`), it is started again on the same ports and database file after 1 s, 2 s,
 * 4 s… (capped), and each exit and restart is logged. Clients need nothing special: the API's
 * lazy connection and the worker's native connection reconnect by themselves.
 *
 * No restart happens once `shutdown` is aborted or stop() is called, so a server that exits
 * during leadflow's own shutdown stays stopped. The first start is not retried: a start-up
 * failure (port in use, broken binary) is reported to the person starting leadflow.
 */
export async function superviseDevServer(
  options: DevServerOptions,
  { policy = defaultRestartPolicy, shutdown }: { policy?: RestartPolicy; shutdown?: AbortSignal } = {},
): Promise<SupervisedDevServer> {
  const log = options.logger.child({ component: 'temporal-dev-server' });
  let server: DevServer | undefined = await startDevServer(options);
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  let failuresInARow = 0;
  let restarts = 0;
  let downSince = 0;

  const stopSupervising = () => {
    stopping = true;
    clearTimeout(restartTimer);
  };
  shutdown?.addEventListener('abort', stopSupervising, { once: true });

  const scheduleRestart = (why: Record<string, unknown>, message: string) => {
    const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** failuresInARow);
    failuresInARow++;
    log.warn({ ...why, restartInMs: delayMs, attempt: failuresInARow }, message);
    restartTimer = setTimeout(() => {
      restarting = restart();
    }, delayMs);
  };

  const watch = (running: DevServer) => {
    const startedAt = performance.now();
    void running.exited.then((exit: DevServerExit) => {
      if (stopping || server !== running) return;
      server = undefined;
      downSince = performance.now();
      if (downSince - startedAt >= policy.stableAfterMs) failuresInARow = 0;
      scheduleRestart({ ...exit }, 'Temporal dev server exited unexpectedly; restarting it');
    });
  };

  const restart = async () => {
    if (stopping) return;
    try {
      const next = await startDevServer(options);
      if (stopping) return await next.stop();
      server = next;
      restarts++;
      log.info(
        { restarts, downForMs: Math.round(performance.now() - downSince) },
        'Temporal dev server restarted; the API and worker reconnect by themselves',
      );
      watch(next);
    } catch (error) {
      if (!stopping) scheduleRestart({ err: error }, 'Temporal dev server did not restart; trying again');
    }
  };

  watch(server);
  return {
    address: server.address,
    uiUrl: server.uiUrl,
    current: () => server,
    restarts: () => restarts,
    async stop() {
      stopSupervising();
      await restarting;
      await server?.stop();
    },
    stopNow() {
      stopSupervising();
      server?.process.kill('SIGTERM');
    },
  };
}
