import type { Logger } from '../logger';
import type { Stoppable } from './stoppable';

/** SIGHUP too: closing the terminal must not leave the dev server (its own process group) behind. */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * A repeated signal within this window is the same request. One Ctrl+C can arrive more than
 * once: the terminal signals the whole foreground process group, and a parent process (tsx's
 * CLI, nodemon, a container's init) relays the same signal to its child milliseconds later, or
 * later still on a busy machine. Only a signal after the window, a person pressing Ctrl+C again,
 * forces an immediate exit.
 */
export const REPEAT_WINDOW_MS = 2_000;

/** Thrown by Shutdown.add when a part finishes starting after shutdown began (it is stopped at once). */
export class ShutdownRequested extends Error {
  override readonly name = 'ShutdownRequested';
}

export interface Shutdown {
  /** Resolves with the exit code once a signal has stopped every part. */
  done: Promise<number>;
  /** Aborted as soon as shutdown begins: pending start-up waits and restarts give up. */
  signal: AbortSignal;
  /**
   * Records a started part, to be stopped in reverse order of starting. If shutdown has already
   * begun (Ctrl+C during start-up), the part is stopped now and ShutdownRequested is thrown.
   */
  add<T extends Stoppable>(part: T): Promise<T>;
  /** Stops every part now (start-up failed). */
  now(): Promise<void>;
}

interface SignalTarget {
  on(signal: (typeof SHUTDOWN_SIGNALS)[number], listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Installs the graceful shutdown: the first SIGINT, SIGTERM or SIGHUP stops every part in reverse
 * order of starting; repeats within `repeatWindowMs` are ignored; a later one exits at once
 * with code 1, after asking the parts that can (the dev server) to stop without waiting.
 */
export function installShutdown(
  logger: Logger,
  {
    repeatWindowMs = REPEAT_WINDOW_MS,
    target = process,
    exit = (code: number): void => process.exit(code),
  }: { repeatWindowMs?: number; target?: SignalTarget; exit?: (code: number) => void } = {},
): Shutdown {
  const started: Stoppable[] = [];
  const controller = new AbortController();
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let stopped = Promise.resolve();
  let firstSignalAt: number | undefined;
  let stopping: Stoppable | undefined;

  // Serialised, so a part that finishes starting during the shutdown is stopped after the others began.
  const stopRemaining = () =>
    (stopped = stopped.then(async () => {
      for (let part = started.pop(); part; part = started.pop()) {
        stopping = part;
        try {
          await part.stop();
          logger.info({ part: part.name }, 'stopped');
        } catch (error) {
          logger.error({ err: error, part: part.name }, 'error while stopping');
        } finally {
          stopping = undefined;
        }
      }
    }));
  const now = () => {
    controller.abort();
    return stopRemaining();
  };

  const onSignal = (signal: NodeJS.Signals) => {
    const at = performance.now();
    if (firstSignalAt === undefined) {
      firstSignalAt = at;
      logger.info({ signal }, 'shutting down gracefully');
      void now().then(() => resolveDone(0));
      return;
    }
    const afterMs = Math.round(at - firstSignalAt);
    if (afterMs < repeatWindowMs) {
      logger.info({ signal, afterMs }, 'signal repeated while shutting down: still stopping gracefully');
      return;
    }
    logger.warn({ signal, afterMs }, 'second signal: exiting immediately');
    for (const part of [stopping, ...[...started].reverse()]) part?.stopNow?.();
    exit(1);
  };
  for (const signal of SHUTDOWN_SIGNALS) target.on(signal, onSignal);

  return {
    done,
    signal: controller.signal,
    async add(part) {
      started.push(part);
      if (!controller.signal.aborted) return part;
      await stopRemaining();
      throw new ShutdownRequested(`shutdown began while ${part.name} was starting`);
    },
    now,
  };
}
