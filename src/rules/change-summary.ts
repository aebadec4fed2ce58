/**
 * What changed between two ruleset versions, in words for the log: which files, which
 * rules were added, removed or changed, and threshold moves ("MQL threshold 80 → 75").
 */
import type { Ruleset } from './ruleset';
import { RULE_KINDS, type RuleKind } from './types';

export interface ChangeSummary {
  from: string | null;
  to: string;
  changedFiles: string[];
  /** e.g. `routing.yaml: rule "mid-market" changed`, `scoring.yaml: MQL threshold 80 → 75` */
  changes: string[];
}

/** Named parts of one file, each as comparable JSON, so differences can be listed by name. */
function partsOf(ruleset: Ruleset, kind: RuleKind): Map<string, string> {
  const parts = new Map<string, string>();
  const add = (label: string, value: unknown) => parts.set(label, JSON.stringify(value, (key, v: unknown) => (key === 'line' ? undefined : v)));
  switch (kind) {
    case 'scoring': {
      const s = ruleset.scoring;
      s.attributes.forEach((a) => add(`attribute "${a.name}"`, a.tiers));
      s.sources.forEach((r) => add(`source points for ${r.event.params.channel}`, r.event.params.points));
      Object.entries(s.behaviours).forEach(([name, b]) => add(`behaviour "${name}"`, b));
      add('MQL actions', s.mql.then);
      add('SQL criteria', s.sql.conditions);
      add('disqualification reasons', s.disqualification);
      break;
    }
    case 'routing':
      ruleset.routing.rules.forEach((r) => add(`rule "${r.name}"`, r));
      Object.values(ruleset.routing.pools).forEach((p) => add(`pool "${p.name}"`, p));
      add('reps', ruleset.routing.reps);
      add('fallback queue', ruleset.routing.fallbackQueue);
      add('rule order', ruleset.routing.rules.map((r) => r.name));
      break;
    case 'escalation':
      ruleset.escalation.slas.forEach((s) => add(`SLA "${s.name}"`, s));
      ruleset.escalation.stalled.forEach((s) => add(`stalled alert "${s.rule.name}"`, s));
      Object.values(ruleset.escalation.calendars).forEach((c) => add(`calendar "${c.name}"`, c));
      break;
    case 'cadences':
      Object.values(ruleset.cadences.cadences).forEach((c) => add(`cadence "${c.name}"`, c));
      Object.entries(ruleset.cadences.templates).forEach(([name, t]) => add(`template "${name}"`, t));
      ruleset.cadences.enrolment.forEach((r) => add(`enrolment rule "${r.name}"`, r));
      break;
    case 'approvals':
      ruleset.approvals.tiers.forEach((t) => add(`tier "${t.name}"`, [t.conditions, ruleset.approvals.chains[t.name]]));
      add('delegation', ruleset.approvals.delegation);
      add('quote validity', ruleset.approvals.quoteValidFor);
      add('renewal reminders', ruleset.approvals.renewalRemindBefore);
      add('tax rates', ruleset.approvals.taxRates);
      add('price overrides without approval', ruleset.approvals.priceOverridesWithoutApproval);
      add('meeting reminders', ruleset.approvals.meetingReminders);
      add('demo follow-up', ruleset.approvals.demoFollowUpCadence);
      Object.entries(ruleset.approvals.stageExit).forEach(([stage, c]) => add(`exit criteria for ${stage}`, c));
      break;
    case 'forecast': {
      const forecast = ruleset.forecast;
      if (!forecast) break;
      Object.entries(forecast.probabilities).forEach(([stage, p]) => add(`probability of ${stage}`, p));
      forecast.categories.forEach((r) => add(`category rule "${r.name}"`, r));
      add('category rule order', forecast.categories.map((r) => r.name));
      add('otherwise category', forecast.otherwise);
      add('overrides', forecast.overrides);
      break;
    }
    case 'loss-reasons': {
      const loss = ruleset.lossReasons;
      if (!loss) break;
      Object.values(loss.reasons).forEach((r) => add(`loss reason "${r.code}"`, r));
      add('fallback loss reason', loss.fallback);
      break;
    }
  }
  return parts;
}

/** Lists the differences from `before` (null on first load) to `after`. */
export function summariseChange(before: Ruleset | null, after: Ruleset): ChangeSummary {
  const fileName = (kind: RuleKind) => (after.files[kind] ?? before?.files[kind])?.fileName ?? `${kind}.yaml`;
  if (!before) return { from: null, to: after.version, changedFiles: RULE_KINDS.filter((k) => after.files[k]).map(fileName), changes: ['first load'] };
  const changedFiles = RULE_KINDS.filter((k) => before.files[k]?.hash !== after.files[k]?.hash);
  const changes: string[] = [];
  for (const kind of changedFiles) {
    const file = fileName(kind);
    if (!before.files[kind] || !after.files[kind]) {
      changes.push(`${file}: ${after.files[kind] ? 'added' : 'removed'}`);
      continue;
    }
    if (kind === 'scoring' && before.scoring.mql.threshold !== after.scoring.mql.threshold) {
      changes.push(`${file}: MQL threshold ${before.scoring.mql.threshold} → ${after.scoring.mql.threshold}`);
    }
    const old = partsOf(before, kind);
    const now = partsOf(after, kind);
    for (const [label, value] of now) {
      if (!old.has(label)) changes.push(`${file}: ${label} added`);
      else if (old.get(label) !== value) changes.push(`${file}: ${label} changed`);
    }
    for (const label of old.keys()) if (!now.has(label)) changes.push(`${file}: ${label} removed`);
    if (before.files[kind].pinned !== after.files[kind].pinned) changes.push(`${file}: pin ${String(after.files[kind].pinned)}`);
    if (!changes.some((c) => c.startsWith(`${file}:`))) changes.push(`${file}: comments or tests only`);
  }
  return { from: before.version, to: after.version, changedFiles: changedFiles.map(fileName), changes };
}
