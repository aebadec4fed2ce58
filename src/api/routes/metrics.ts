import { Router } from 'express';
import { Registry } from 'prom-client';
import { requireActor } from '../../auth/actor';
import { LeadflowError } from '../../domain/errors';
import { processMetrics } from '../../metrics/instruments';
import { readStateMetrics, type StateSources } from '../../metrics/state';

export interface MetricsRoutesDeps {
  /** The installation's tenant (LEADFLOW_TENANT): the figures span every tenant, so only its tokens may read them. */
  defaultTenant: string;
  /** Where the state gauges are read from; unset (a worker's own endpoint): this process's counters only. */
  state?: StateSources;
}

/**
 * GET /metrics: the Prometheus text exposition of this process's counters (src/metrics/instruments.ts)
 * and, on the API, the state gauges read from the database (src/metrics/state.ts). The access
 * policy asks for a token with the `metrics` scope, which reads counts only, never a record.
 */
export function metricsRoutes(deps: MetricsRoutesDeps): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    const actor = requireActor(req);
    if (actor.tenant !== deps.defaultTenant)
      throw new LeadflowError(
        'forbidden',
        "The metrics count the whole installation, every tenant's leads included, so only tokens of the installation's own tenant may read them.",
      );
    const registries = [processMetrics, ...(deps.state ? [await readStateMetrics(deps.state)] : [])];
    const exposition = Registry.merge(registries);
    res
      .status(200)
      .set('Content-Type', exposition.contentType)
      .set('Cache-Control', 'no-store')
      .send(await exposition.metrics());
  });
  return router;
}
