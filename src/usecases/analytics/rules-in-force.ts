/**
 * Which rules a report reads as they were, not as they are: the activation history
 * (RuleActivation rows) gives the trend charts' activation marks, and the version in force at a
 * moment gives the stage probabilities a weighted pipeline is weighed with at that moment. So a
 * closed period's weighted pipeline does not change when RevOps edits forecast.yaml later.
 */
import type { Db } from '../../db/client';
import type { StageProbabilities } from '../../domain/analytics/pipeline';
import type { Ruleset } from '../../rules/ruleset';

/** Stage probabilities and the rules version they come from. */
export interface ProbabilitiesInForce {
  /** The version whose forecast.yaml gave them. */
  version: string;
  probabilities: StageProbabilities;
}

/** Each change of the active version within `[from, to)`, oldest first. */
export async function activationsBetween(
  db: Pick<Db, 'ruleActivation'>,
  window: { from: Date; to: Date },
): Promise<{ version: string; activatedAt: Date }[]> {
  const rows = await db.ruleActivation.findMany({
    where: { activatedAt: { gte: window.from, lt: window.to } },
    select: { hash: true, activatedAt: true },
    orderBy: [{ activatedAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((row) => ({ version: row.hash, activatedAt: row.activatedAt }));
}

/** forecast.yaml's probabilities (0–1) as basis points, the unit the pipeline figures use. */
export function basisPoints(ruleset: Pick<Ruleset, 'forecast'>): StageProbabilities {
  return Object.fromEntries(
    Object.entries<number>(ruleset.forecast?.probabilities ?? {}).map(([stage, p]) => [stage, Math.round(p * 10_000)]),
  );
}

/**
 * The probabilities in force at each of `moments`: those of the version active then (the last
 * activation at or before it). A moment before the first recorded activation, or whose version no
 * longer loads or has no forecast.yaml, has none (the caller falls back to the active version's).
 */
export async function probabilitiesInForce(
  db: Pick<Db, 'ruleActivation'>,
  versionOf: (hash: string) => Promise<Pick<Ruleset, 'forecast'> | null>,
  moments: readonly Date[],
): Promise<(at: Date) => ProbabilitiesInForce | undefined> {
  const found = new Map<number, ProbabilitiesInForce>();
  for (const at of moments) {
    if (found.has(at.getTime())) continue;
    const row = await db.ruleActivation.findFirst({
      where: { activatedAt: { lte: at } },
      orderBy: [{ activatedAt: 'desc' }, { id: 'desc' }],
      select: { hash: true },
    });
    const ruleset = row ? await versionOf(row.hash) : null;
    if (row && ruleset?.forecast) found.set(at.getTime(), { version: row.hash, probabilities: basisPoints(ruleset) });
  }
  return (at) => found.get(at.getTime());
}
