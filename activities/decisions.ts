import { ApplicationFailure } from '@temporalio/activity';
import { LeadflowError } from '../src/domain/errors';
import type { Db, Prisma } from '../src/db/client';
import type { LeadLocale } from '../src/rules/evaluate-escalation';
import type { RuleRegistry } from '../src/rules/registry';
import { recordRuleEvaluation, secondsSince } from '../src/metrics/instruments';
import type { RoutingOutcome } from '../src/rules/evaluate-routing';
import type { ScoringOutcome } from '../src/rules/evaluate-scoring';
import { evaluateShadowSafely, type LiveDecision, type ShadowLogger } from '../src/usecases/shadow-evaluation';
import { activityLog } from './shadow-log';
import {
  evaluateEnrolment,
  evaluateEscalation,
  evaluateQualification,
  evaluateRouting,
  evaluateScoring,
  evaluateStalled,
  disqualificationOutcome,
  type Decision,
  type Facts,
  type Ruleset,
} from '../src/rules/evaluate';

/** Every rule decision a journey asks for; the discriminant picks the rule file. */
export type DecisionRequest =
  | { kind: 'scoring'; facts: Facts; now: string }
  | { kind: 'qualification'; facts: Facts }
  | { kind: 'routing'; facts: Facts }
  | { kind: 'sla'; sla: string; facts: Facts }
  /** `lead` picks the holidays the cadence's send window skips (older journeys omit it). */
  | { kind: 'enrolment'; facts: Facts; lead?: LeadLocale }
  | { kind: 'disqualification'; reason: string }
  | { kind: 'stalled'; stage: string; facts: Facts };

export interface DecideInput {
  leadId: string;
  /** Decide with this exact ruleset version (a pinned journey); otherwise the active one. */
  pinnedVersion: string | null;
  idempotencyKey: string;
  request: DecisionRequest;
}

/** A decision as stored and returned: outcome, explanation and ruleset version. */
export type StoredDecision = Decision<unknown> & { kind: DecisionRequest['kind']; decidedAt: string };

/**
 * Rule evaluation for workflows. Workflows never read rule files: they ask this activity, whose
 * result (outcome, explanation, version) is recorded in the workflow history, so a later rules
 * change can never alter the replay of a decision already taken. Every decision is also stored
 * in the database with the version that made it.
 */
export function createDecisionActivities(deps: { db: Db; registry: RuleRegistry; logger?: ShadowLogger }) {
  /** The running shadow's view of a stored decision (src/usecases/shadow-evaluation.ts): never fails, never changes the result. */
  const shadow = async (input: DecideInput, live: Decision<unknown>, at: Date): Promise<void> => {
    const decision = shadowedDecision(input, live, at);
    if (!decision) return;
    await evaluateShadowSafely(
      { db: deps.db, version: (hash) => deps.registry.getVersion(hash), logger: deps.logger ?? activityLog },
      decision,
    );
  };

  async function rulesetFor(pinnedVersion: string | null): Promise<Ruleset> {
    if (!pinnedVersion) return deps.registry.active();
    const pinned = await deps.registry.getVersion(pinnedVersion);
    if (!pinned)
      throw ApplicationFailure.nonRetryable(
        `pinned ruleset version ${pinnedVersion} is not stored`,
        'PinnedVersionMissing',
      );
    return pinned;
  }

  return {
    /** The version new journeys start on, and whether it asks to be pinned. */
    currentRules(): Promise<{ version: string; pinned: boolean }> {
      const ruleset = deps.registry.active();
      return Promise.resolve({ version: ruleset.version, pinned: ruleset.pinned });
    },

    async decide(input: DecideInput): Promise<StoredDecision> {
      const stored = await deps.db.decision.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (stored) {
        const decision = {
          outcome: stored.outcome,
          explanation: stored.explanation as unknown as StoredDecision['explanation'],
          version: stored.rulesetVersion,
        };
        // A retry after the decision was stored: the shadow may not have seen it yet (kept once per decision).
        await shadow(input, decision, stored.decidedAt);
        return { ...decision, kind: input.request.kind, decidedAt: stored.decidedAt.toISOString() };
      }
      const ruleset = await rulesetFor(input.pinnedVersion);
      const startedAt = performance.now();
      const decision = evaluate(ruleset, input.request);
      recordRuleEvaluation(input.request.kind, decision.version, secondsSince(startedAt));
      const decidedAt = input.request.kind === 'scoring' ? new Date(input.request.now) : new Date();
      await deps.db.decision.create({
        data: {
          id: input.idempotencyKey,
          leadId: input.leadId,
          kind: input.request.kind,
          outcome: decision.outcome as Prisma.InputJsonValue,
          explanation: decision.explanation as unknown as Prisma.InputJsonValue,
          ...factsOf(input.request),
          rulesetVersion: decision.version,
          decidedAt,
          idempotencyKey: input.idempotencyKey,
        },
      });
      if (input.request.kind === 'scoring') {
        await deps.db.lead.update({
          where: { id: input.leadId },
          data: { score: (decision.outcome as { score: number }).score },
        });
      }
      await shadow(input, decision, decidedAt);
      return { ...decision, kind: input.request.kind, decidedAt: decidedAt.toISOString() };
    },
  };
}

/** The live decisions a shadow follows: scoring (MQL) and routing; null for the others. */
function shadowedDecision(input: DecideInput, live: Decision<unknown>, at: Date): LiveDecision | null {
  const { request } = input;
  const base = { decisionId: input.idempotencyKey, leadId: input.leadId, at };
  switch (request.kind) {
    case 'scoring':
      return { ...base, kind: 'scoring', facts: request.facts, live: live as Decision<ScoringOutcome> };
    case 'routing':
      return { ...base, kind: 'routing', facts: request.facts, live: live as Decision<RoutingOutcome> };
    case 'qualification':
    case 'sla':
    case 'enrolment':
    case 'disqualification':
    case 'stalled':
      return null;
  }
}

/**
 * The facts the rules saw, stored with the decision so it can be replayed exactly (a backtest
 * reads them); a disqualification is decided on its reason alone.
 */
function factsOf(request: DecisionRequest): { facts?: Prisma.InputJsonValue } {
  return request.kind === 'disqualification' ? {} : { facts: request.facts };
}

function evaluate(ruleset: Ruleset, request: DecisionRequest): Decision<unknown> {
  switch (request.kind) {
    case 'scoring':
      return evaluateScoring(ruleset, request.facts, new Date(request.now));
    case 'qualification':
      return evaluateQualification(ruleset, request.facts);
    case 'routing':
      return evaluateRouting(ruleset, request.facts);
    case 'sla':
      return evaluateEscalation(ruleset, { sla: request.sla, facts: request.facts });
    case 'enrolment':
      return evaluateEnrolment(ruleset, request.facts, request.lead);
    case 'stalled':
      return evaluateStalled(ruleset, { stage: request.stage, facts: request.facts });
    case 'disqualification': {
      const outcome = disqualificationOutcome(ruleset, request.reason);
      if (!outcome) {
        const known = Object.keys(ruleset.scoring.disqualification).join(', ');
        // The caller's request is refused (the lead is fine): the journey answers it, flags nothing.
        throw new LeadflowError(
          'validation_failed',
          `unknown disqualification reason "${request.reason}" (scoring.yaml knows: ${known})`,
        );
      }
      const text = outcome.then === 'nurture' ? 'nurture' : `recycle after ${outcome.after.text}`;
      return {
        outcome,
        explanation: {
          summary: `Disqualified as ${request.reason}: scoring.yaml says ${text}.`,
          reasons: [`disqualification.reasons.${request.reason}: ${text}`],
          rules: [],
        },
        version: ruleset.version,
      };
    }
  }
}
