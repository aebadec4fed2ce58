/**
 * Re-scores every open lead journey after a rules version whose scoring.yaml says
 * `re-evaluate: in-flight` went live. Pages through the open leads (an activity), signals each
 * journey `rescoreRequested`, and sleeps between pages so that at most `perSecond` journeys are
 * asked each second: the journeys' own work (a scoring decision each, and an MQL's routing) then
 * arrives at a pace the worker and the database absorb beside live traffic. The time it takes is
 * bounded: open journeys ÷ perSecond. Continues as new every few pages to keep its history short.
 * Deterministic code only.
 */
import { continueAsNew, getExternalWorkflowHandle, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { rescoreRequested, type RulesReevaluationInput, type RulesReevaluationResult } from './messages';

const store = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Pages per run before continuing as new: each page adds about 3 events per journey signalled. */
const PAGES_PER_RUN = 20;

export async function rulesReevaluation(input: RulesReevaluationInput): Promise<RulesReevaluationResult> {
  const perSecond = Math.max(1, Math.floor(input.perSecond));
  const startedAt = input.startedAt ?? new Date().toISOString();
  let after = input.after ?? null;
  let done = input.done ?? 0;
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const began = new Date().getTime();
    const { journeyIds, next } = await store.openJourneysPage({ after, limit: perSecond });
    // A journey that ended or was never started has nothing to re-score: its signal fails, and that is fine.
    await Promise.all(
      journeyIds.map((id) =>
        getExternalWorkflowHandle(id)
          .signal(rescoreRequested, { version: input.version })
          .catch(() => undefined),
      ),
    );
    done += journeyIds.length;
    if (next === null) {
      const finishedAt = new Date().toISOString();
      await store.recordReevaluation({
        tenant: input.tenant,
        version: input.version,
        previous: input.previous,
        leads: done,
        startedAt,
        finishedAt,
      });
      return { version: input.version, leads: done, startedAt, finishedAt };
    }
    after = next;
    const rest = 1000 - (new Date().getTime() - began);
    if (rest > 0) await sleep(rest);
  }
  return await continueAsNew<typeof rulesReevaluation>({ ...input, after, done, startedAt });
}
