import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
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
 */
export function createTemporalClient(config: TemporalConfig): Client {
  const connection = Connection.lazy({
    address: config.address,
    tls: tlsFor(config),
    apiKey: apiKeyFor(config),
    connectTimeout: '5 seconds',
  });
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
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
