import type { Server } from 'node:http';
import express from 'express';
import { authenticate } from '../auth/authenticate';
import type { AbuseConfig } from '../config';
import type { Db } from '../db/client';
import { LeadflowError } from '../domain/errors';
import type { Logger } from '../logger';
import { BadTokenBackoff, DEFAULT_BACKOFF, withBadTokenBackoff } from './abuse/bad-token-backoff';
import { requestRateLimits } from './abuse/rate-limits';
import { securityHeaders } from './abuse/security-headers';
import { enforceAccess } from './access';
import { errorHandler } from './errors';
import { metricsRoutes } from './routes/metrics';

export interface WorkerMetricsServerOptions {
  /** Where tokens are checked (the worker's own database connection). */
  db: Db;
  defaultTenant: string;
  abuse: AbuseConfig;
  logger: Logger;
  host: string;
  port: number;
}

/**
 * The `GET /metrics` of a `leadflow worker`, which has no API of its own: its activities' counters
 * live in its process, so Prometheus scrapes each worker. Same route, same access policy and token
 * check as the API's; no state gauges (the API reports those once, not once per worker).
 */
export async function startWorkerMetricsServer(
  options: WorkerMetricsServerOptions,
): Promise<{ name: string; url: string; stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.abuse.trustProxy);
  app.use(securityHeaders());
  const backoff = new BadTokenBackoff({ ...DEFAULT_BACKOFF, threshold: options.abuse.badTokens });
  app.use(withBadTokenBackoff(authenticate(options.db), backoff, { logger: options.logger }));
  app.use(requestRateLimits(options.abuse, options.logger).perCaller);
  app.use(enforceAccess({ db: options.db, queueMembers: () => ({}) }));
  app.use(metricsRoutes({ defaultTenant: options.defaultTenant }));
  app.use((req, _res, next) => {
    next(new LeadflowError('not_found', `No route ${req.method} ${req.path}: a worker serves GET /metrics only.`));
  });
  app.use(errorHandler(options.logger));
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port, options.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}/metrics`;
  options.logger.info({ url }, 'worker metrics served (GET /metrics, a token with the metrics scope)');
  return {
    name: 'worker-metrics',
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
