import { fileURLToPath } from 'node:url';
import {
  Worker,
  bundleWorkflowCode,
  type NativeConnection,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';

/** The workflow code's entry point; the worker bundles it with webpack. */
export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

/** Bundles the workflow code once (tests share one bundle across workers). */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

export interface LeadflowWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle; without one the worker bundles `workflows/` itself. */
  workflowBundle?: WorkflowBundleOption;
  /** Worker options that trade memory or concurrency for throughput; the SDK's defaults when absent. */
  tuning?: WorkerTuning;
}

/** The worker options the levers benchmark (`npm run bench -- levers`) measures. */
export type WorkerTuning = Partial<
  Pick<
    WorkerOptions,
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxCachedWorkflows'
    | 'maxConcurrentWorkflowTaskPolls'
    | 'maxConcurrentActivityTaskPolls'
  >
>;

/** Creates the worker that runs every leadflow workflow and activity on one task queue. */
export function createLeadflowWorker(options: LeadflowWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...options.tuning,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
  });
}

const quietBundlerLogger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  log: () => {},
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};
