import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type TLSConfig,
} from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config';
import type { Logger } from '../logger';

function tlsFor(config: TemporalConfig): TLSConfig | boolean {
  if (config.mode === 'embedded' || !config.tls) return false;
  const { certPath, keyPath, caPath, serverName } = config.tls;
  return {
    serverNameOverride: serverName,
    serverRootCACertificate: caPath ? readFileSync(caPath) : undefined,
    clientCertPair: certPath && keyPath ? { crt: readFileSync(certPath), key: readFileSync(keyPath) } : undefined,
  };
}

function apiKeyFor(config: TemporalConfig): string | undefined {
  return config.mode === 'external' ? config.apiKey : undefined;
}

/**
 * A Temporal client on a lazy connection: the API starts (and answers 503s) while Temporal is
 * unreachable, and recovers by itself when it comes back.
 *
 * Its `connection.close()` is safe while calls are being retried. The SDK's gRPC retry
 * interceptor retries from timers that Connection.close() does not clear, and a timer that fires
 * after the close throws "Channel has been shut down" from the event loop, which kills the
 * process: a Ctrl+C shortly after a Temporal outage crashed leadflow's shutdown that way. So
 * once closing begins no retry is scheduled, and the close waits for those already due (≤ 5 s).
 *
 * `callAttempts` is how often one call is tried while Temporal is unreachable, 0.17 s growing to
 * 5 s apart: the SDK's 10 by default, about 20 s before a read shows the journey as unavailable or
 * a capture falls back to the outbox. Tests of an outage pass fewer, to get there in about 2 s.
 */
export function createTemporalClient(config: TemporalConfig, options: { callAttempts?: number } = {}): Client {
  let closing = false;
  let lastRetryDueAt = 0;
  const retry = defaultGrpcRetryOptions(options.callAttempts ? { maxAttempts: options.callAttempts } : {});
  const connection = Connection.lazy({
    address: config.address,
    tls: tlsFor(config),
    apiKey: apiKeyFor(config),
    connectTimeout: '5 seconds',
    interceptors: [
      makeGrpcRetryInterceptor({
        retryableDecider: (attempt, status) => !closing && retry.retryableDecider(attempt, status),
        delayFunction: (attempt, status) => {
          const delayMs = retry.delayFunction(attempt, status);
          lastRetryDueAt = Math.max(lastRetryDueAt, performance.now() + delayMs);
          return delayMs;
        },
      }),
    ],
  });
  const close = connection.close.bind(connection);
  connection.close = async () => {
    closing = true;
    const waitMs = lastRetryDueAt - performance.now();
    if (waitMs > 0) await sleep(waitMs + 50);
    await close();
  };
  return new Client({ connection, namespace: config.namespace });
}

/** Connects a worker's native connection, waiting (with backoff) until the server answers. */
export async function connectWorkerConnection(
  config: TemporalConfig,
  logger: Logger,
  signal?: AbortSignal,
): Promise<NativeConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect({
        address: config.address,
        tls: tlsFor(config),
        apiKey: apiKeyFor(config),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const delayMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      logger.warn(
        { err: error, address: config.address, retryInMs: delayMs },
        'Temporal is not reachable yet; retrying',
      );
      // Aborting (Ctrl+C while Temporal is unreachable) ends the wait with an AbortError.
      await sleep(delayMs, undefined, { signal });
    }
  }
}
