/**
 * The pure evaluation API, safe to import from Temporal workflow code: no Node
 * built-ins, no I/O, no clock (time is passed in). Every function takes a `Ruleset`
 * (plain data, e.g. received as a workflow argument) and returns a `Decision`: the
 * outcome, its explanation, and the ruleset version.
 */
export type { Decision, Explanation } from './explain';
export type { ConditionTrace, RuleTrace } from './evaluate-condition';
export type { Ruleset } from './ruleset';
export type { Facts, BehaviourEvent } from './schema/facts';
export { evaluateScoring, evaluateQualification, disqualificationOutcome, type ScoringOutcome, type ScoreLine, type QualificationOutcome } from './evaluate-scoring';
export { evaluateRouting, resolveTarget, describeTarget, type RoutingOutcome, type RoutingTarget } from './evaluate-routing';
export { evaluateEscalation, evaluateStalled, describeSteps, UnknownSlaError, type SlaOutcome, type StalledOutcome } from './evaluate-escalation';
export { evaluateEnrolment, getCadence, getTemplate, type EnrolmentOutcome } from './evaluate-cadences';
export { requiredApprovals, checkStageExit, describeChain, taxRateFor, type ApprovalOutcome, type StageExitOutcome, type TaxRateChoice } from './evaluate-approvals';
export { evaluateForecast, forecastRules, lossReasonRules, isOpenStage, RuleFileAbsentError, type ForecastOutcome } from './evaluate-forecast';
export { classifyLoss, type LossInput, type LossOutcome, type LossField } from './evaluate-loss-reasons';
