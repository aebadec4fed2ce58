/**
 * Starts the re-scoring of open journeys (workflows/rulesReevaluation.ts) when a rules version
 * whose scoring.yaml says `re-evaluate: in-flight` goes live: by an edit of the folder, or by
 * `rules activate` (which writes the folder). Every worker process, and a `leadflow api` running
 * without one, watches its registry, so the workflow id is the version's: a second process, or a
 * second look at the same activation, finds the run under way and adds nothing. A version restored from the database is not a change, and
 * starts nothing. The load at start-up is a change when the folder was edited while leadflow was
 * stopped: the registry then compares it with the version the database last recorded as active,
 * and the trigger acts on that activation when it starts watching (a restart on unchanged files
 * finds the same version there, and starts nothing).
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ChangeSummary } from '../rules/change-summary';
import type { RuleRegistry } from '../rules/registry';
import type { Ruleset } from '../rules/ruleset';
import { reevaluationWorkflowId, type RulesReevaluationInput } from '../../workflows/messages';

export interface ReevaluationTriggerOptions {
  taskQueue: string;
  tenant: string;
  perSecond: number;
  logger: Pick<Logger, 'info' | 'error'>;
}

/** Watches `registry`; returns the function that stops watching. */
export function reevaluateOnActivation(
  registry: RuleRegistry,
  client: Client,
  options: ReevaluationTriggerOptions,
): () => void {
  const onActivation = (ruleset: Ruleset, summary: ChangeSummary): void => {
    if (summary.from === null || ruleset.scoring.reevaluate !== 'in-flight') return;
    if (!summary.changedFiles.includes(ruleset.files.scoring?.fileName ?? 'scoring.yaml')) return;
    const input: RulesReevaluationInput = {
      tenant: options.tenant,
      version: ruleset.version,
      previous: summary.from,
      perSecond: options.perSecond,
    };
    const workflowId = reevaluationWorkflowId(ruleset.version);
    client.workflow
      .start('rulesReevaluation', {
        taskQueue: options.taskQueue,
        workflowId,
        args: [input],
        // Under way already (another process saw the same activation): join it. Finished (the
        // version went live again later): run again, since leads changed in between.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      })
      .then(
        () =>
          options.logger.info(
            { version: ruleset.version, previous: summary.from, workflowId, perSecond: options.perSecond },
            `rules version ${ruleset.version} says re-evaluate: in-flight; re-scoring open journeys`,
          ),
        (error: unknown) =>
          options.logger.error(
            { err: error, version: ruleset.version, workflowId },
            'could not start the re-scoring of open journeys; each lead is re-scored at its next event',
          ),
      );
  };
  const stop = registry.onActivate(onActivation);
  // The registry loaded the folder before this process started watching it.
  const startup = registry.latestActivation();
  if (startup) onActivation(startup.ruleset, startup.summary);
  return stop;
}
