import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';

export interface CheckResult {
  status: 'up' | 'down';
  latencyMs?: number;
  message?: string;
  [detail: string]: unknown;
}

/** What the rule registry reports about itself (see src/rules/registry.ts). */
export interface RulesHealthSource {
  health(): CheckResult;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  checks: { temporal: CheckResult; database: CheckResult; rules: CheckResult };
}

const CHECK_TIMEOUT_MS = 2_000;

/** Probes each dependency with a short timeout; never throws. */
export async function checkHealth(deps: { db: Db; temporal: Client; rules: RulesHealthSource }): Promise<HealthReport> {
  const [temporal, database] = await Promise.all([
    // With a deadline, so a probe during an outage ends instead of retrying in the background.
    timed(() =>
      deps.temporal
        .withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => deps.temporal.workflowService.getSystemInfo({}))
        .then(() => undefined),
    ),
    checkDatabase(deps.db),
  ]);
  const rules = deps.rules.health();
  const checks = { temporal, database, rules };
  const downCount = Object.values(checks).filter((check) => check.status === 'down').length;
  return {
    status: downCount === 0 ? 'ok' : temporal.status === 'down' || database.status === 'down' ? 'down' : 'degraded',
    checks,
  };
}

export function checkDatabase(db: Db): Promise<CheckResult> {
  return timed(() => db.$queryRawUnsafe('SELECT 1').then(() => undefined));
}

async function timed(probe: () => Promise<void>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise(
        (_, reject) =>
          (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)),
      ),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      message: firstLine((error as Error).message),
    };
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(message: string): string {
  return (
    message
      .split('\n')
      .find((line) => line.trim())
      ?.trim() ?? 'unknown error'
  );
}
