/** routing.yaml → its compiled, serialisable form. */
import type { CompiledPool, CompiledRouting, RoutingTargetRef } from '../ruleset';
import type { RoutingFile, RoutingTargetSpec } from '../schema/routing';
import { compileTopCondition } from './condition';
import type { LineOf } from './line-of';

export function toTargetRef(target: RoutingTargetSpec): RoutingTargetRef {
  if (target.pool !== undefined) return { type: 'pool', pool: target.pool };
  if (target.rep !== undefined) return { type: 'rep', rep: target.rep };
  return { type: 'queue', queue: target.queue ?? '' };
}

export function compileRouting(file: RoutingFile, lineOf: LineOf): CompiledRouting {
  const fallback: RoutingTargetRef = { type: 'queue', queue: file.fallback.queue };
  const pools = Object.fromEntries(
    Object.entries(file.pools).map(([name, pool]): [string, CompiledPool] => [
      name,
      {
        name,
        strategy: pool.strategy,
        members: pool.members.map((member) => {
          const rep = typeof member === 'string' ? member : member.rep;
          const weight = typeof member === 'string' || pool.strategy === 'round-robin' ? 1 : (member.weight ?? 1);
          return { rep, email: file.reps[rep]?.email ?? '', weight };
        }),
        maxOpenLeads: pool.maxOpenLeads ?? null,
        skip: pool.skip ?? ['inactive', 'out-of-office'],
        overflow: pool.overflow ? toTargetRef(pool.overflow) : fallback,
      },
    ]),
  );
  return {
    reps: Object.fromEntries(Object.entries(file.reps).map(([id, rep]) => [id, { email: rep.email, name: rep.name ?? null }])),
    queues: Object.keys(file.queues),
    queueMembers: Object.fromEntries(
      Object.entries(file.queues).map(([queue, spec]) => [queue, (spec.members ?? []).map((email) => email.toLowerCase())]),
    ),
    pools,
    rules: file.rules.map((rule, i) => ({
      name: rule.name,
      conditions: compileTopCondition(rule.when),
      event: { type: 'assign', params: { target: toTargetRef(rule.assign) } },
      line: lineOf(['rules', i]),
    })),
    fallbackQueue: file.fallback.queue,
    tests: (file.tests ?? []).map((test, i) => ({ ...test, line: lineOf(['tests', i]) })),
  };
}
