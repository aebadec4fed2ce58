/**
 * What a console command needs from the rule files without starting the rule registry: the
 * reporting zone (LEADFLOW_REPORTING_ZONE, else the zone of escalation.yaml's default calendar,
 * else UTC, as the analytics API decides it) loss-reasons.yaml and the files' texts, read from LEADFLOW_RULES_DIR.
 */
import type { Config } from '../config';
import { loadRulesetFromDir } from '../rules/load-dir';
import type { CompiledLossReasons } from '../rules/ruleset';

export interface RulesSnapshot {
  zone: string;
  /** Null when the rules do not load or have no loss reasons. */
  lossReasons: CompiledLossReasons | null;
  /** The files' texts (file name → text); null when the rules do not load. */
  ruleTexts: Record<string, string> | null;
}

export async function loadRulesSnapshot(config: Config): Promise<RulesSnapshot> {
  const loaded = await loadRulesetFromDir(config.rulesDir);
  if (!loaded.ok) return { zone: config.reportingZone ?? 'UTC', lossReasons: null, ruleTexts: null };
  const { calendars, defaultCalendar } = loaded.ruleset.escalation;
  return {
    zone: config.reportingZone ?? calendars[defaultCalendar]?.timezone ?? 'UTC',
    lossReasons: loaded.ruleset.lossReasons,
    ruleTexts: loaded.ruleset.texts,
  };
}
