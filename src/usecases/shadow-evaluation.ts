/**
 * The shadow side of a live decision: after an activity has stored a scoring, routing or approval
 * decision, the tenant's running shadow (if any) decides the same facts at the same moment, and the
 * pair is kept (ShadowEvaluation; the outcomes and the flipped condition when they differ).
 *
 * It must never touch the journey: `evaluateShadowSafely` swallows and logs every failure (a
 * shadow version that no longer loads, a database hiccup), so the activity neither fails nor
 * retries because of it; it is idempotent per shadow and decision, so a retried activity adds
 * nothing; and the compiled shadow ruleset comes from the registry's cache by hash, so the cost
 * per decision is two indexed reads, the evaluation, and one insert.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Prisma } from '../db/client';
import { requiredApprovals, type ApprovalOutcome } from '../rules/evaluate-approvals';
import { evaluateRouting, type RoutingOutcome } from '../rules/evaluate-routing';
import { evaluateScoring, type ScoringOutcome } from '../rules/evaluate-scoring';
import type { Decision } from '../rules/explain';
import type { Ruleset } from '../rules/ruleset';
import type { Facts } from '../rules/schema/facts';
import { compareShadow, type ShadowPair } from '../rules/shadow-compare';
import { isUniqueViolation } from '../db/unique-violation';

/** A live decision as the activity stored it, with what the rules saw. */
export type LiveDecision = { decisionId: string; leadId: string; at: Date } & (
  | { kind: 'scoring'; facts: Facts; live: Decision<ScoringOutcome> }
  | { kind: 'routing'; facts: Facts; live: Decision<RoutingOutcome> }
  | { kind: 'approval'; dealId: string; discountPct: number; dealSize: number; live: Decision<ApprovalOutcome> }
);

export interface ShadowEvaluationDeps {
  db: Db;
  /** A stored version by hash, compiled once and cached (RuleRegistry.getVersion). */
  version: (hash: string) => Promise<Ruleset | null>;
}

export interface ShadowLogger {
  warn(obj: object, msg: string): void;
}

/** What happened to one live decision: no shadow runs, it was evaluated before (a retry), or it was kept. */
export type ShadowEvaluationResult = 'no-shadow' | 'already-evaluated' | 'same' | 'differs';

/** Evaluates `decision` under the tenant's running shadow and keeps the pair. Throws on failure; see `evaluateShadowSafely`. */
export async function evaluateShadow(
  deps: ShadowEvaluationDeps,
  decision: LiveDecision,
): Promise<ShadowEvaluationResult> {
  const { db } = deps;
  const lead = await db.lead.findUnique({ where: { id: decision.leadId }, select: { tenant: true } });
  if (!lead) return 'no-shadow';
  const shadow = await db.ruleShadow.findUnique({
    where: { activeKey: lead.tenant },
    select: { id: true, versionHash: true },
  });
  if (!shadow) return 'no-shadow';
  const key = { shadowId_decisionId: { shadowId: shadow.id, decisionId: decision.decisionId } };
  if (await db.shadowEvaluation.findUnique({ where: key, select: { id: true } })) return 'already-evaluated';
  const candidate = await deps.version(shadow.versionHash);
  if (!candidate)
    throw new Error(`shadow ${shadow.id}: rules version ${shadow.versionHash} is not stored or no longer loads`);
  const pair = shadowPair(candidate, decision);
  const comparison = compareShadow(pair);
  const change = comparison.change;
  try {
    await db.shadowEvaluation.create({
      data: {
        id: `se_${randomUUID()}`,
        shadowId: shadow.id,
        decisionId: decision.decisionId,
        kind: decision.kind,
        leadId: decision.leadId,
        dealId: decision.kind === 'approval' ? decision.dealId : null,
        differs: comparison.differs,
        liveKey: comparison.liveKey,
        shadowKey: comparison.shadowKey,
        liveVersion: decision.live.version,
        at: decision.at,
        ...(change
          ? {
              liveOutcome: pair.live.outcome as unknown as Prisma.InputJsonValue,
              shadowOutcome: pair.shadow.outcome as unknown as Prisma.InputJsonValue,
              liveSummary: change.liveSummary,
              shadowSummary: change.shadowSummary,
              flipped: change.flipped,
              diff: change.diff,
            }
          : {}),
      },
    });
  } catch (error) {
    // Two overlapping attempts of one activity: the other one kept it.
    if (isUniqueViolation(error)) return 'already-evaluated';
    throw error;
  }
  return comparison.differs ? 'differs' : 'same';
}

/** `evaluateShadow`, with any failure logged and swallowed: the journey goes on as if no shadow ran. */
export async function evaluateShadowSafely(
  deps: ShadowEvaluationDeps & { logger: ShadowLogger },
  decision: LiveDecision,
): Promise<ShadowEvaluationResult | 'failed'> {
  try {
    return await evaluateShadow(deps, decision);
  } catch (error) {
    deps.logger.warn(
      { err: error, decisionId: decision.decisionId, leadId: decision.leadId, kind: decision.kind },
      'shadow evaluation failed; the live decision stands and the journey goes on',
    );
    return 'failed';
  }
}

function shadowPair(candidate: Ruleset, decision: LiveDecision): ShadowPair {
  switch (decision.kind) {
    case 'scoring':
      return {
        kind: 'scoring',
        live: decision.live,
        shadow: evaluateScoring(candidate, decision.facts, decision.at),
        at: decision.at,
      };
    case 'routing':
      return { kind: 'routing', live: decision.live, shadow: evaluateRouting(candidate, decision.facts) };
    case 'approval': {
      const quote = { discountPct: decision.discountPct, dealSize: decision.dealSize };
      return { kind: 'approval', live: decision.live, shadow: requiredApprovals(candidate, quote), ...quote };
    }
  }
}
