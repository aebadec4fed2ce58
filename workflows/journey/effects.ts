/**
 * The journey's side effects: activity proxies with named timeout presets. Deterministic code
 * only: activities are imported as types and run by the worker.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

/** Database writes and rule decisions: short, retried until the database is back (nothing is lost). */
export const store = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Outbound email: retried with backoff; a permanent SMTP rejection fails fast (non-retryable). */
export const mail = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Bookkeeping whose loss harms nothing (the worker's operations metrics): a few quick attempts,
 * then given up, so a worker without the activity (an older one mid-deploy) never holds a journey up.
 */
export const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});
