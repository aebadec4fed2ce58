/**
 * Routing decisions: which rule decides, and where it sends the lead (a pool with its
 * round-robin settings, a named rep, or a queue). Choosing the rep inside a pool needs
 * live data (open leads, availability) and is done by the journey code from the
 * `pool` this returns. Pure.
 */
import { firstMatch, type FactGroups } from './evaluate-condition';
import { describeRule, type Decision } from './explain';
import type { CompiledPool, CompiledRouting, RoutingTargetRef, Ruleset } from './ruleset';
import type { Facts } from './schema/facts';

export type RoutingTarget =
  | { type: 'pool'; pool: CompiledPool }
  | { type: 'rep'; rep: string; email: string }
  | { type: 'queue'; queue: string };

export type RoutingOutcome =
  | { kind: 'assign'; rule: string; target: RoutingTarget }
  | { kind: 'fallback'; queue: string };

/** Resolves a target reference against the routing file (pools and reps by name). */
export function resolveTarget(routing: CompiledRouting, ref: RoutingTargetRef): RoutingTarget {
  switch (ref.type) {
    case 'pool': {
      const pool = routing.pools[ref.pool];
      if (!pool) throw new Error(`internal: unvalidated pool ${ref.pool}`);
      return { type: 'pool', pool };
    }
    case 'rep': return { type: 'rep', rep: ref.rep, email: routing.reps[ref.rep]?.email ?? '' };
    case 'queue': return { type: 'queue', queue: ref.queue };
  }
}

/** Routes a lead: the first matching rule decides; no match sends it to the fallback queue. */
export function evaluateRouting(ruleset: Ruleset, facts: Facts): Decision<RoutingOutcome> {
  const routing = ruleset.routing;
  const { match, traces } = firstMatch(routing.rules, facts as FactGroups);
  const outcome: RoutingOutcome = match
    ? { kind: 'assign', rule: match.name, target: resolveTarget(routing, match.event.params.target) }
    : { kind: 'fallback', queue: routing.fallbackQueue };
  return {
    outcome,
    explanation: { summary: summarise(outcome), reasons: traces.flatMap((t) => describeRule(t, 'routing.yaml')), rules: traces },
    version: ruleset.version,
  };
}

/** "Assigned by rule "enterprise-na" to pool enterprise-na (round-robin over 3 reps)." */
export function describeTarget(target: RoutingTarget): string {
  switch (target.type) {
    case 'pool': return `pool ${target.pool.name} (${target.pool.strategy} over ${target.pool.members.length} reps${target.pool.maxOpenLeads ? `, at most ${target.pool.maxOpenLeads} open leads each` : ''})`;
    case 'rep': return `rep ${target.rep} <${target.email}>`;
    case 'queue': return `queue ${target.queue}`;
  }
}

function summarise(outcome: RoutingOutcome): string {
  switch (outcome.kind) {
    case 'assign': return `Routed by rule "${outcome.rule}" to ${describeTarget(outcome.target)}.`;
    case 'fallback': return `No routing rule matched: the lead goes to the fallback queue ${outcome.queue}.`;
  }
}
