/** scoring.yaml → its compiled, serialisable form. */
import { mustParseDuration } from '../duration';
import type { Behaviour } from '../facts';
import type { CompiledDecay, CompiledScoring, DisqualifyOutcome } from '../ruleset';
import type { DecaySpec, ScoringFile } from '../schema/scoring';
import { textIn } from '../schema/common';
import { compileTopCondition } from './condition';
import type { LineOf } from './line-of';

export function compileScoring(file: ScoringFile, lineOf: LineOf): CompiledScoring {
  const defaultDecay = file.decay ? compileDecay(file.decay) : null;
  return {
    reevaluate: file['re-evaluate'] ?? 'none',
    attributes: file.attributes.map((attribute, a) => ({
      name: attribute.name,
      tiers: attribute.tiers.map((tier, t) => ({
        name: `attribute:${attribute.name}#${t + 1}`,
        conditions: compileTopCondition(tier.when),
        event: { type: 'points', params: { group: attribute.name, tier: t, points: tier.points, label: tier.label ? textIn(tier.label, 'en') : `${attribute.name} tier ${t + 1}` } },
        line: lineOf(['attributes', a, 'tiers', t]),
      })),
      tierLabels: attribute.tiers.map((tier) => tier.label ?? null),
    })),
    sources: Object.entries(file.sources).map(([channel, points]) => ({
      name: `source:${channel}`,
      conditions: { all: [{ fact: 'source', path: '$.channel', operator: 'equal', value: channel }] },
      event: { type: 'points', params: { channel, points: points ?? 0 } },
      line: lineOf(['sources', channel]),
    })),
    behaviours: Object.fromEntries(
      Object.entries(file.behaviours).map(([name, b]) => [name as Behaviour, { points: b?.points ?? 0, cap: b?.cap ?? null, decay: b?.decay ? compileDecay(b.decay) : defaultDecay }]),
    ),
    mql: { threshold: file.mql.threshold, then: file.mql.then },
    sql: { name: 'sql', conditions: compileTopCondition(file.sql.when), event: { type: 'sql', params: {} }, line: lineOf(['sql']) },
    disqualification: Object.fromEntries(
      Object.entries(file.disqualification.reasons).map(([reason, r]): [string, DisqualifyOutcome] => [
        reason,
        r.then === 'recycle' ? { then: 'recycle', after: mustParseDuration(r.after) } : { then: 'nurture' },
      ]),
    ),
    tests: (file.tests ?? []).map((test, i) => ({ ...test, line: lineOf(['tests', i]) })),
  };
}

function compileDecay(decay: DecaySpec): CompiledDecay {
  const every = mustParseDuration(decay.every);
  const expire = decay.expireAfter === undefined ? null : mustParseDuration(decay.expireAfter);
  return {
    every: every.text,
    everyMs: every.kind === 'calendar' ? every.ms : 0,
    lose: Number.parseFloat(decay.lose) / 100,
    expireAfter: expire?.text ?? null,
    expireAfterMs: expire?.kind === 'calendar' ? expire.ms : null,
  };
}
