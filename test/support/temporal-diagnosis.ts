import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** A promise's value, or `fallback` once `ms` have passed: a dead server must not hang the caller. */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

interface OpenWorkflow {
  id: string;
  type: string;
  /** Events in its history: a workflow task scheduled or an activity completed since the last look adds some. */
  historyLength?: number;
  /** Undefined when the server did not answer describe. */
  workflowTask?: number;
  activities?: { name: string; attempt: number; running: boolean; lastFailure?: string }[];
  children?: { id: string; type: string }[];
}

const SCHEDULED = 1;
const STARTED = 2;

/** A protobuf timestamp in milliseconds; undefined when unset. */
function millisOf(at: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!at || at.seconds === undefined || at.seconds === null) return undefined;
  return Number(at.seconds) * 1000 + Math.floor((at.nanos ?? 0) / 1e6);
}

/** Each open workflow on the server, with what it waits for; undefined if the server did not answer. */
async function openWorkflows(client: Client): Promise<OpenWorkflow[] | undefined> {
  const listed = await within(
    client.workflowService
      .listOpenWorkflowExecutions({ namespace: client.options.namespace, maximumPageSize: 100 })
      .then((page) => page.executions ?? []),
    5_000,
    undefined,
  );
  if (!listed) return undefined;
  return Promise.all(
    listed.map(async (execution): Promise<OpenWorkflow> => {
      const id = execution.execution?.workflowId ?? '?';
      const type = execution.type?.name ?? '?';
      const described = await within(
        client.workflow.getHandle(id, execution.execution?.runId ?? undefined).describe(),
        3_000,
        undefined,
      );
      if (!described) return { id, type };
      const raw = described.raw;
      return {
        id,
        type,
        historyLength: Number(raw.workflowExecutionInfo?.historyLength ?? 0),
        // The test server does not report a pending workflow task (sdk-java's describe leaves it
        // out): a history that grew between two looks stands for one.
        workflowTask: raw.pendingWorkflowTask ? (raw.pendingWorkflowTask.attempt ?? 1) : 0,
        activities: (raw.pendingActivities ?? []).map((activity) => {
          const attempt = activity.attempt ?? 1;
          const state = Number(activity.state);
          // The test server keeps an activity STARTED while it waits to retry: it runs only if it
          // started after its last attempt ended. Scheduled for its first attempt, a worker is
          // about to run it. An attempt after a failure waits out its backoff, a timer the server skips.
          const started = millisOf(activity.lastStartedTime);
          const ended = millisOf(activity.lastAttemptCompleteTime);
          const running =
            (state === STARTED && (ended === undefined || (started !== undefined && started > ended))) ||
            (state === SCHEDULED && attempt <= 1);
          return {
            name: activity.activityType?.name ?? '?',
            attempt,
            running,
            ...(activity.lastFailure?.message ? { lastFailure: activity.lastFailure.message } : {}),
          };
        }),
        children: (raw.pendingChildren ?? []).map((child) => ({
          id: child.workflowId ?? '?',
          type: child.workflowTypeName ?? '?',
        })),
      };
    }),
  );
}

function describeOpen(open: readonly OpenWorkflow[] | undefined): string[] {
  if (!open) return ['open workflows: the server did not answer'];
  const lines = [`open workflows: ${open.length}`];
  for (const workflow of open) {
    lines.push(`- ${workflow.id} (${workflow.type})`);
    if (!workflow.activities) {
      lines.push('  describe: no answer');
      continue;
    }
    if (workflow.workflowTask) lines.push(`  workflow task: attempt ${workflow.workflowTask}`);
    for (const activity of workflow.activities)
      lines.push(
        `  activity ${activity.name}: attempt ${activity.attempt}` +
          (activity.running ? ', running' : ', waiting to retry') +
          (activity.lastFailure ? `, last failure: ${activity.lastFailure}` : ''),
      );
    for (const child of workflow.children ?? []) lines.push(`  child ${child.id} (${child.type})`);
  }
  return lines;
}

/**
 * What each open workflow on the server is waiting for: its pending workflow task, its pending
 * activities (with their attempt and last failure) and its pending children. A test prints it
 * when it fails or times out, so that a scenario which hangs names the workflow and the step it
 * hangs on, instead of only "Test timed out".
 */
export async function openWorkflowsReport(client: Client, clockMs?: () => Promise<number>): Promise<string> {
  const lines: string[] = [];
  if (clockMs) {
    const at = await within(clockMs(), 3_000, Number.NaN);
    lines.push(`server clock: ${Number.isNaN(at) ? 'no answer' : new Date(at).toISOString()}`);
  }
  return [...lines, ...describeOpen(await openWorkflows(client))].join('\n');
}

const settled = (open: readonly OpenWorkflow[] | undefined): boolean =>
  open !== undefined &&
  open.every(
    (workflow) =>
      workflow.activities !== undefined &&
      !workflow.workflowTask &&
      workflow.activities.every((activity) => !activity.running),
  );

/** Each open workflow's id and history length: two equal looks in a row mean nothing happened between them. */
const fingerprint = (open: readonly OpenWorkflow[]): string =>
  open.map((workflow) => `${workflow.id}:${workflow.historyLength ?? '?'}`).join(',');

/**
 * Waits until the work in flight has finished: no open workflow has an activity being run or a
 * workflow task pending, and no history grew, over two looks in a row. Skipping time while an
 * activity runs lets the server time it out under the worker, and Temporal's test server can then
 * stop skipping for good (temporalio/sdk-java#2246, #2392): a scenario hung for its whole 120 s in
 * CI. On a real server the same deadlines are hours after the work that sets them.
 */
async function settle(env: TestWorkflowEnvironment): Promise<void> {
  const deadline = Date.now() + 30_000;
  let before: string | undefined;
  for (;;) {
    const open = await openWorkflows(env.client);
    const now = open && settled(open) ? fingerprint(open) : undefined;
    if (now !== undefined && now === before) return;
    if (Date.now() > deadline)
      throw new Error(`work in flight did not finish within 30 s:\n${describeOpen(open).join('\n')}`);
    before = now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Moves the time-skipping server's clock on by `ms`, once the work in flight has finished (settle). */
export async function skipTime(
  env: TestWorkflowEnvironment,
  ms: Parameters<TestWorkflowEnvironment['sleep']>[0],
): Promise<void> {
  await settle(env);
  await env.sleep(ms);
}

/** Moves the time-skipping server's clock to `at`, once the work in flight has finished (settle). */
export async function skipTo(env: TestWorkflowEnvironment, at: Date): Promise<void> {
  await settle(env);
  await env.sleep(Math.max(0, at.getTime() - (await env.currentTimeMs())));
}
