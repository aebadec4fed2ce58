import { recordSlaBreach } from '../src/metrics/instruments';

/** An SLA escalation step that ran, as `leadflow_sla_breaches_total` counts it. */
export interface SlaBreachInput {
  /** The SLA's name in escalation.yaml, e.g. `mql-first-touch`. */
  sla: string;
  /** 1-based position of the step in the SLA's `onBreach` list: 1 is the breach itself. */
  level: number;
  /** The step's action (`remind-owner`, `reassign`, …). */
  action: string;
}

/**
 * Activities whose only effect is on this worker's operations metrics (src/metrics). A workflow
 * reports what it did through them, because counters live in the worker process, and workflow
 * code may not touch them.
 */
export function createMetricActivities() {
  return {
    /** Counts one escalation step of a missed SLA. Losing the count harms nothing, so callers do not wait on retries. */
    countSlaBreach(input: SlaBreachInput): Promise<void> {
      recordSlaBreach(input.sla, input.level, input.action);
      return Promise.resolve();
    },
  };
}
