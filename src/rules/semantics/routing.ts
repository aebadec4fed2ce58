/**
 * Meaning checks for routing.yaml: every pool, rep and queue named is defined, pools
 * are consistent, and no rule hides behind an earlier catch-all.
 */
import type { RoutingFile, RoutingTargetSpec } from '../schema/routing';
import type { DocPath, Finding } from '../yaml-source';
import { checkCondition, checkDuplicateNames, checkShadowing, unknownReference } from './conditions';

export function checkRouting(file: RoutingFile): Finding[] {
  return [
    ...checkDuplicateNames(file.rules, ['rules'], 'rule'),
    ...file.rules.flatMap((rule, i) => [...checkCondition(rule.when, ['rules', i, 'when']), ...checkTarget(file, rule.assign, ['rules', i, 'assign'])]),
    ...checkShadowing(file.rules, ['rules'], 'rule'),
    ...Object.entries(file.pools).flatMap(([name, pool]) => checkPool(file, name, pool)),
    ...checkQueue(file, file.fallback.queue, ['fallback', 'queue']),
  ];
}

/** Findings for a pool/rep/queue reference that routing.yaml does not define. */
export function checkTarget(file: RoutingFile, target: RoutingTargetSpec, path: DocPath): Finding[] {
  if (target.pool !== undefined && !Object.hasOwn(file.pools, target.pool)) {
    return [unknownReference([...path, 'pool'], 'pool', target.pool, Object.keys(file.pools), 'routing.yaml pools')];
  }
  if (target.rep !== undefined && !Object.hasOwn(file.reps, target.rep)) {
    return [unknownReference([...path, 'rep'], 'rep', target.rep, Object.keys(file.reps), 'routing.yaml reps')];
  }
  if (target.queue !== undefined) return checkQueue(file, target.queue, [...path, 'queue']);
  return [];
}

export function checkQueue(file: RoutingFile, queue: string, path: DocPath): Finding[] {
  return Object.hasOwn(file.queues, queue) ? [] : [unknownReference(path, 'queue', queue, Object.keys(file.queues), 'routing.yaml queues')];
}

function checkPool(file: RoutingFile, name: string, pool: RoutingFile['pools'][string]): Finding[] {
  const path: DocPath = ['pools', name];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  pool.members.forEach((member, i) => {
    const rep = typeof member === 'string' ? member : member.rep;
    const at: DocPath = typeof member === 'string' ? [...path, 'members', i] : [...path, 'members', i, 'rep'];
    if (!Object.hasOwn(file.reps, rep)) findings.push(unknownReference(at, 'rep', rep, Object.keys(file.reps), 'routing.yaml reps'));
    if (seen.has(rep)) findings.push({ path: at, at: 'value', severity: 'error', code: 'duplicate-name', message: `rep "${rep}" is listed twice in pool "${name}"`, hint: 'use weight: to give a rep more leads' });
    seen.add(rep);
    if (pool.strategy === 'round-robin' && typeof member !== 'string' && member.weight !== undefined && member.weight !== 1) {
      findings.push({ path: [...path, 'members', i, 'weight'], at: 'key', severity: 'warning', code: 'suspicious', message: `weight ${member.weight} is ignored by strategy round-robin`, hint: 'use strategy: weighted, or remove the weight' });
    }
  });
  if (pool.overflow) {
    if (pool.overflow.pool === name) findings.push({ path: [...path, 'overflow', 'pool'], at: 'value', severity: 'error', code: 'invalid-value', message: `pool "${name}" overflows into itself`, hint: 'overflow into another pool or a queue' });
    else findings.push(...checkTarget(file, pool.overflow, [...path, 'overflow']));
  }
  return findings;
}
