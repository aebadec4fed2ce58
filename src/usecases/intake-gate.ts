import { LeadflowError } from '../domain/errors';

/**
 * Bounds the work in flight on a path: at most `limit` runs at once and `queue` more waiting; a
 * call beyond that is refused at once with `overloaded` (503 + Retry-After), before it has done
 * or stored anything, instead of piling up until every caller times out.
 */
export interface Gate {
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
  readonly waiting: number;
}

export function createGate(limit: number, queue: number, refusal: string): Gate {
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const release = () => {
    const next = waiters.shift();
    if (next) next();
    else inFlight--;
  };
  return {
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return waiters.length;
    },
    async run(work) {
      if (limit > 0) {
        if (inFlight < limit) inFlight++;
        else if (waiters.length < queue) await new Promise<void>((resolve) => waiters.push(resolve));
        else throw new LeadflowError('overloaded', refusal);
      }
      try {
        return await work();
      } finally {
        if (limit > 0) release();
      }
    },
  };
}
