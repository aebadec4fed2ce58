/**
 * Forecast decisions: the chance a deal in its stage is won (for the weighted pipeline) and the
 * forecast category forecast.yaml gives it. Pure: the category depends on the stage alone (directly
 * or through its probability), so it is decided again exactly when the stage changes.
 */
import { firstMatch } from './evaluate-condition';
import { describeRule, type Decision } from './explain';
import type { DealStage } from './facts';
import type { CompiledForecast, CompiledLossReasons, Ruleset } from './ruleset';
import { OPEN_DEAL_STAGES, type ForecastCategory, type OpenDealStage } from './schema/forecast';

export type ForecastOutcome =
  /** `rule`: the category rule that decided, or null when none matched and `otherwise` applies. */
  | { kind: 'open'; stage: OpenDealStage; probability: number; category: ForecastCategory; rule: string | null }
  /** A closed deal is an actual, not a forecast: won counts 1, lost 0, and it has no category. */
  | { kind: 'closed'; stage: 'closed-won' | 'closed-lost'; probability: 1 | 0 };

/**
 * The active rules have no such file: only a version stored before the file existed (see
 * LATER_KINDS) runs without it, e.g. after a restart while the rule files are broken.
 */
export class RuleFileAbsentError extends Error {
  constructor(readonly fileName: string, readonly version: string) {
    super(`rules version ${version} has no ${fileName}: it was stored before ${fileName} existed; add rules/${fileName} and fix the rule files so a current version is active`);
    this.name = 'RuleFileAbsentError';
  }
}

export function forecastRules(ruleset: Pick<Ruleset, 'forecast' | 'version'>): CompiledForecast {
  if (!ruleset.forecast) throw new RuleFileAbsentError('forecast.yaml', ruleset.version);
  return ruleset.forecast;
}

export function lossReasonRules(ruleset: Pick<Ruleset, 'lossReasons' | 'version'>): CompiledLossReasons {
  if (!ruleset.lossReasons) throw new RuleFileAbsentError('loss-reasons.yaml', ruleset.version);
  return ruleset.lossReasons;
}

export function isOpenStage(stage: DealStage): stage is OpenDealStage {
  return (OPEN_DEAL_STAGES as readonly string[]).includes(stage);
}

/** The probability and forecast category of a deal in `stage`. */
export function evaluateForecast(ruleset: Pick<Ruleset, 'forecast' | 'version'>, input: { stage: DealStage }): Decision<ForecastOutcome> {
  const forecast = forecastRules(ruleset);
  const { stage } = input;
  if (!isOpenStage(stage)) {
    const probability = stage === 'closed-won' ? 1 : 0;
    return {
      outcome: { kind: 'closed', stage, probability },
      explanation: { summary: `A deal ${stage} is an actual, not a forecast (probability ${probability}).`, reasons: [], rules: [] },
      version: ruleset.version,
    };
  }
  const probability = forecast.probabilities[stage];
  const { match, traces } = firstMatch(forecast.categories, { deal: { stage, probability } });
  const category = match ? match.event.params.category : forecast.otherwise;
  const by = match ? `category rule "${match.name}"` : 'otherwise (no category rule matched)';
  return {
    outcome: { kind: 'open', stage, probability, category, rule: match?.name ?? null },
    explanation: {
      summary: `A deal in ${stage} is won ${Math.round(probability * 1000) / 10}% of the time and forecast as ${category}, by ${by}.`,
      reasons: traces.flatMap((t) => describeRule(t, 'forecast.yaml')),
      rules: traces,
    },
    version: ruleset.version,
  };
}
