import type { CheckResult, RulesHealthSource } from '../api/health';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { PrismaRuleVersionStore } from '../db/rule-version-store';
import type { Logger } from '../logger';
import { RuleRegistry } from '../rules/registry';
import { formatDiagnostic, type Diagnostic } from '../rules/types';
import type { RuleVersionStore } from '../rules/version-store';
import type { Stoppable } from './stoppable';

export interface RulesRuntime extends RulesHealthSource, Stoppable {
  registry: RuleRegistry;
  store: RuleVersionStore;
}

/**
 * Rule files whose own tests fail, at a start with no earlier version to run instead: the process
 * refuses to start rather than run rules nobody vouched for.
 */
export class RulesTestsFailedError extends Error {
  override readonly name = 'RulesTestsFailedError';
  constructor(dir: string, diagnostics: readonly Diagnostic[]) {
    const failed = diagnostics.filter((d) => d.code === 'test-failed');
    super(
      `the rules in ${dir} fail their own tests, and no earlier version was ever activated to run instead:\n` +
        failed.map((d) => `  ${formatDiagnostic(d)}`).join('\n') +
        `\nFix the rule or the test (npx leadflow rules test ${dir} shows every case), then start again.`,
    );
  }
}

/**
 * Loads the rule files, stores their version, and watches the folder for changes (hot reload).
 * Invalid files at start-up do not stop the process: the version that was active last (kept in
 * the database) runs again and /health reports the rules as degraded with the diagnostics; with
 * no stored version, the rules are down until the first valid edit activates them. Files whose
 * own tests fail are treated the same, except with no stored version: then the start is refused
 * ({@link RulesTestsFailedError}).
 */
export async function startRules(
  config: Config,
  db: Db,
  logger: Logger,
  options: { watch?: boolean } = {},
): Promise<RulesRuntime> {
  const store = new PrismaRuleVersionStore(db);
  const registry = new RuleRegistry({
    dir: config.rulesDir,
    store,
    logger: logger.child({ component: 'rules' }),
    watch: options.watch,
  });
  await registry.start();
  const status = registry.status();
  const rejected = status.lastRejected?.diagnostics ?? [];
  if (!status.activeVersion && rejected.some((d) => d.code === 'test-failed')) {
    await registry.stop();
    throw new RulesTestsFailedError(config.rulesDir, rejected);
  }
  return {
    name: 'rules',
    registry,
    store,
    health: () => rulesHealth(registry),
    stop: () => registry.stop(),
  };
}

function rulesHealth(registry: RuleRegistry): CheckResult {
  const status = registry.status();
  const check: CheckResult = {
    status: status.state === 'error' ? 'down' : 'up',
    state: status.state,
    activeVersion: status.activeVersion,
    activeFrom: status.activeFrom,
    files: status.files.map((file) => file.name),
  };
  if (status.lastRejected) {
    const running = !status.activeVersion
      ? 'no version active'
      : status.activeFrom === 'store'
        ? `version ${status.activeVersion}, the last one activated, runs from the database`
        : `version ${status.activeVersion} keeps running`;
    check.message = `latest change rejected (${status.lastRejected.messages.length} problem(s)); ${running}`;
    check.problems = status.lastRejected.messages;
  }
  return check;
}
