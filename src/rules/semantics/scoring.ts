/**
 * Meaning checks for scoring.yaml beyond its shape: tier order, decay in calendar time,
 * and an MQL threshold that some lead can actually reach.
 */
import { mustParseDuration } from '../duration';
import { textIn } from '../schema/common';
import type { DecaySpec, ScoringFile } from '../schema/scoring';
import type { DocPath, Finding } from '../yaml-source';
import { checkCondition, checkDuplicateNames, checkShadowing } from './conditions';

export function checkScoring(file: ScoringFile): Finding[] {
  return [
    ...checkDuplicateNames(file.attributes, ['attributes'], 'attribute'),
    ...file.attributes.flatMap((attribute, a) => [
      ...attribute.tiers.flatMap((tier, t) => checkCondition(tier.when, ['attributes', a, 'tiers', t, 'when'])),
      ...checkShadowing(attribute.tiers.map((tier, t) => ({ name: tier.label ? textIn(tier.label, 'en') : `tier ${t + 1}`, when: tier.when })), ['attributes', a, 'tiers'], 'tier'),
    ]),
    ...checkCondition(file.sql.when, ['sql', 'when']),
    ...(file.decay ? checkDecay(file.decay, ['decay']) : []),
    ...Object.entries(file.behaviours).flatMap(([name, behaviour]) => (behaviour?.decay ? checkDecay(behaviour.decay, ['behaviours', name, 'decay']) : [])),
    ...checkThreshold(file),
  ];
}

/** Decay runs on durable timers in calendar time; business time would stall over weekends. */
function checkDecay(decay: DecaySpec, path: DocPath): Finding[] {
  const findings: Finding[] = [];
  for (const key of ['every', 'expireAfter'] as const) {
    const text = decay[key];
    if (text !== undefined && mustParseDuration(text).kind === 'business') {
      findings.push({ path: [...path, key], at: 'value', severity: 'error', code: 'invalid-duration', message: `decay runs in calendar time, not business time ("${text}")`, hint: 'use days or weeks, e.g. "30 days"' });
    }
  }
  return findings;
}

/** The highest score any lead can get, or `Infinity` when some positive behaviour is uncapped. */
export function maximumScore(file: ScoringFile): { total: number; attributes: number; sources: number; behaviours: number } {
  const attributes = file.attributes.reduce((sum, attribute) => sum + Math.max(0, ...attribute.tiers.map((t) => t.points)), 0);
  const sources = Math.max(0, ...Object.values(file.sources).map((points) => points ?? 0));
  const behaviours = Object.values(file.behaviours).reduce((sum, b) => {
    if (!b || b.points <= 0) return sum;
    return sum + (b.cap ?? Number.POSITIVE_INFINITY);
  }, 0);
  return { total: attributes + sources + behaviours, attributes, sources, behaviours };
}

function checkThreshold(file: ScoringFile): Finding[] {
  const max = maximumScore(file);
  const path: DocPath = ['mql', 'threshold'];
  if (file.mql.threshold > max.total) {
    return [{
      path, at: 'value', severity: 'error', code: 'unreachable-threshold',
      message: `MQL threshold ${file.mql.threshold} can never be reached: the highest possible score is ${max.total} (attributes ${max.attributes} + source ${max.sources} + behaviours ${max.behaviours})`,
      hint: `lower the threshold to at most ${max.total}, or raise points or caps`,
    }];
  }
  if (file.mql.threshold <= 0) {
    return [{ path, at: 'value', severity: 'warning', code: 'suspicious', message: `MQL threshold ${file.mql.threshold} makes every new lead an MQL`, hint: 'use a positive threshold' }];
  }
  return [];
}
