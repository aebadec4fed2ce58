/**
 * The intake outbox's retention: single captures settled `stored` are the outbox's record of a
 * hand-over that is done (the lead and its journey hold the submission itself), so once they are
 * older than the retention they are deleted, an hour apart, by each API process (deleting twice is
 * harmless). Pending and failed rows are never deleted: the first still wait for their journey,
 * the second for a person to look at them. GET /api/captures/{id} then answers 404, saying why.
 * A bulk intake (batch or attendee CSV) goes whole, its record with its rows, once every row is
 * stored and the last more than the retention ago; one with a pending or failed row is kept whole.
 * GET /api/intake-batches/{id} then answers 404, saying why.
 */
import type { IntakeOutbox } from '../db/intake-outbox';
import type { Logger } from '../logger';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows deleted per statement, so that a first sweep of a large table never holds the write lock long. */
const SWEEP_CHUNK = 500;

/** Deletes every stored single capture settled more than `retentionDays` before `now`; how many went. */
export async function sweepSettledCaptures(outbox: IntakeOutbox, retentionDays: number, now: Date): Promise<number> {
  const settledBefore = new Date(now.getTime() - retentionDays * DAY_MS);
  let total = 0;
  for (;;) {
    const deleted = await outbox.sweepStored(settledBefore, now, SWEEP_CHUNK);
    total += deleted;
    if (deleted < SWEEP_CHUNK) return total;
  }
}

/** Deletes every bulk intake settled more than `retentionDays` before `now`, with its rows. */
export function sweepSettledBatches(
  outbox: IntakeOutbox,
  retentionDays: number,
  now: Date,
): Promise<{ batches: number; rows: number }> {
  return outbox.sweepSettledBatches(new Date(now.getTime() - retentionDays * DAY_MS));
}

/**
 * Sweeps now and then every `everyMs` (an hour) until stopped; with `retentionDays` 0 it does
 * nothing (captures are kept for ever).
 */
export function startIntakeRetention(
  deps: { outbox: IntakeOutbox; logger: Logger; now?: () => Date },
  retentionDays: number,
  everyMs = 60 * 60 * 1000,
): { stop(): Promise<void> } {
  if (retentionDays === 0) return { stop: async () => {} };
  const now = deps.now ?? (() => new Date());
  let sweeping: Promise<void> = Promise.resolve();
  const sweep = async () => {
    const at = now();
    const deleted = await sweepSettledCaptures(deps.outbox, retentionDays, at);
    if (deleted > 0)
      deps.logger.info({ deleted, retentionDays }, 'settled intake captures past their retention deleted');
    const batches = await sweepSettledBatches(deps.outbox, retentionDays, at);
    if (batches.batches > 0)
      deps.logger.info({ ...batches, retentionDays }, 'settled bulk intakes past their retention deleted');
  };
  const sweepLogged = () => {
    sweeping = sweep().catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'intake retention sweep failed; it runs again later'),
    );
  };
  sweepLogged();
  const timer = setInterval(sweepLogged, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
