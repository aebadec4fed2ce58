import type { CheckResult, RulesHealthSource } from '../api/health';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import type { Stoppable } from './services';

/** Loads and watches the rule files for the running system. */
export async function startRules(_config: Config, _db: Db, _logger: Logger): Promise<RulesHealthSource & Stoppable> {
  return {
    name: 'rules',
    health: (): CheckResult => ({ status: 'up', message: 'TODO: wire rule registry' }),
    stop: async () => {},
  };
}
