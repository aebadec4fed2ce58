/**
 * The labels RevOps gives the entities it names in the rule files (`label: { en, zh-CN }`): what
 * the workspace and emails show instead of the name. An entity without a label is absent here, and
 * readers show its name. Pure module.
 */
import type { ApprovalsFile } from './schema/approvals';
import type { CadencesFile } from './schema/cadences';
import type { Label } from './schema/common';
import type { EscalationFile } from './schema/escalation';
import type { ForecastFile } from './schema/forecast';
import type { LossReasonsFile } from './schema/loss-reasons';
import type { RoutingFile } from './schema/routing';

/** Labels by entity name, one record per kind of entity. */
export interface RuleLabels {
  /** approvals.yaml `tiers`. */
  tiers: Record<string, Label>;
  /** cadences.yaml `cadences`. */
  cadences: Record<string, Label>;
  /** routing.yaml `pools`. */
  pools: Record<string, Label>;
  /** routing.yaml `queues`. */
  queues: Record<string, Label>;
  /** escalation.yaml `slas`. */
  slas: Record<string, Label>;
  /** escalation.yaml `stalled` alerts. */
  stalled: Record<string, Label>;
  /** forecast.yaml `categories` (the rules that set a category). */
  forecastRules: Record<string, Label>;
  /** loss-reasons.yaml `reasons` (always labelled). */
  lossReasons: Record<string, Label>;
}

/** The files labels come from; forecast.yaml and loss-reasons.yaml are absent in old stored versions. */
export interface LabelledFiles {
  approvals: ApprovalsFile;
  cadences: CadencesFile;
  routing: RoutingFile;
  escalation: EscalationFile;
  forecast: ForecastFile | null;
  lossReasons: LossReasonsFile | null;
}

type Named = { label?: Label | undefined };

function byName(entries: [string, Named][]): Record<string, Label> {
  return Object.fromEntries(entries.flatMap(([name, entity]) => (entity.label ? [[name, { en: entity.label.en, 'zh-CN': entity.label['zh-CN'] }]] : [])));
}

const listed = (items: readonly (Named & { name: string })[] | undefined): [string, Named][] => (items ?? []).map((item) => [item.name, item]);

/** Every label the files give, by kind and name. */
export function collectLabels(files: LabelledFiles): RuleLabels {
  return {
    tiers: byName(listed(files.approvals.tiers)),
    cadences: byName(listed(files.cadences.cadences)),
    pools: byName(Object.entries(files.routing.pools)),
    queues: byName(Object.entries(files.routing.queues)),
    slas: byName(listed(files.escalation.slas)),
    stalled: byName(listed(files.escalation.stalled)),
    forecastRules: byName(listed(files.forecast?.categories)),
    lossReasons: byName(Object.entries(files.lossReasons?.reasons ?? {})),
  };
}

/** An entity's label in `language`, or its name when the rules give it none. */
export function labelIn(labels: Record<string, Label> | undefined, name: string, language: keyof Label): string {
  return labels?.[name]?.[language] ?? name;
}
