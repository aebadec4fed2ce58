import type { Client } from '@temporalio/client';

/** A promise's value, or `fallback` once `ms` have passed: a dead server must not hang the report. */
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
  const listed = await within(
    client.workflowService
      .listOpenWorkflowExecutions({ namespace: client.options.namespace, maximumPageSize: 100 })
      .then((page) => page.executions ?? []),
    5_000,
    undefined,
  );
  if (!listed) return [...lines, 'open workflows: the server did not answer'].join('\n');
  lines.push(`open workflows: ${listed.length}`);
  for (const execution of listed) {
    const id = execution.execution?.workflowId ?? '?';
    const described = await within(
      client.workflow.getHandle(id, execution.execution?.runId ?? undefined).describe(),
      3_000,
      undefined,
    );
    lines.push(`- ${id} (${execution.type?.name ?? '?'})`);
    if (!described) {
      lines.push('  describe: no answer');
      continue;
    }
    const raw = described.raw;
    if (raw.pendingWorkflowTask) lines.push(`  workflow task: attempt ${raw.pendingWorkflowTask.attempt ?? 1}`);
    for (const activity of raw.pendingActivities ?? [])
      lines.push(
        `  activity ${activity.activityType?.name ?? '?'}: attempt ${activity.attempt ?? 1}` +
          (activity.lastFailure?.message ? `, last failure: ${activity.lastFailure.message}` : ''),
      );
    for (const child of raw.pendingChildren ?? [])
      lines.push(`  child ${child.workflowId ?? '?'} (${child.workflowTypeName ?? '?'})`);
  }
  return lines.join('\n');
}
