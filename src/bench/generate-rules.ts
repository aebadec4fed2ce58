/**
 * Generated inputs for the benchmark and the differential test: a large, valid
 * scoring.yaml (N two-condition rules, as attribute tiers) and randomised lead facts,
 * including the awkward values (numeric strings, nulls, lists, wrong types) that stress
 * operator semantics. Deterministic for a given seed.
 */
import { BEHAVIOURS, FACTS, FACT_GROUPS_BY_KIND, SOURCE_CHANNELS, type FactGroup, type FactSpec } from '../rules/facts';

/** mulberry32: a small, fast, seedable PRNG. */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const SCORING_FACTS: [string, FactSpec][] = FACT_GROUPS_BY_KIND.scoring
  .filter((group) => group !== 'bant')
  .flatMap((group) => Object.entries(FACTS[group]).map(([key, spec]): [string, FactSpec] => [`${group}.${key}`, spec]));

const STRING_SAMPLES = ['US', 'DE', 'GB', 'FR', 'VP Sales', 'CTO', 'Acme', 'x'];

function conditionYaml(random: () => number): string {
  const [fact, spec] = pick(random, SCORING_FACTS);
  const t = spec.type;
  switch (t.type) {
    case 'number': {
      const op = pick(random, ['>', '>=', '<', '<=', '==', '!=']);
      return `{ fact: ${fact}, op: "${op}", value: ${Math.floor(random() * 5000)} }`;
    }
    case 'boolean':
      return `{ fact: ${fact}, op: "${pick(random, ['==', '!='])}", value: ${random() < 0.5} }`;
    case 'string': {
      if (random() < 0.5) return `{ fact: ${fact}, op: "==", value: "${pick(random, STRING_SAMPLES)}" }`;
      return `{ fact: ${fact}, op: "${pick(random, ['in', 'not in'])}", value: [${[pick(random, STRING_SAMPLES), pick(random, STRING_SAMPLES)].map((s) => `"${s}"`).join(', ')}] }`;
    }
    case 'enum': {
      if (random() < 0.5)
        return `{ fact: ${fact}, op: "${pick(random, ['==', '!='])}", value: ${pick(random, t.values)} }`;
      return `{ fact: ${fact}, op: "${pick(random, ['in', 'not in'])}", value: [${pick(random, t.values)}, ${pick(random, t.values)}] }`;
    }
  }
}

function whenYaml(random: () => number): string {
  const shape = random();
  const a = conditionYaml(random);
  const b = conditionYaml(random);
  if (shape < 0.6) return `{ all: [${a}, ${b}] }`;
  if (shape < 0.85) return `{ any: [${a}, ${b}] }`;
  return `{ all: [${a}, { not: ${b} }] }`;
}

/** A valid scoring.yaml with `ruleCount` two-condition attribute tiers (groups of 5). */
export function generateScoringYaml(ruleCount: number, seed = 1): string {
  const random = randomSource(seed);
  const lines = ['# generated for benchmarks and differential tests', 'attributes:'];
  for (let group = 0; group * 5 < ruleCount; group++) {
    lines.push(`  - name: generated-${group}`, '    tiers:');
    for (let tier = 0; tier < 5 && group * 5 + tier < ruleCount; tier++) {
      lines.push(`      - when: ${whenYaml(random)}`, `        points: ${Math.floor(random() * 21) - 5}`);
    }
  }
  lines.push('sources:', ...SOURCE_CHANNELS.map((c, i) => `  ${c}: ${i * 3}`));
  lines.push('behaviours:', ...BEHAVIOURS.map((b, i) => `  ${b}: { points: ${i + 1}, cap: ${(i + 1) * 3} }`));
  lines.push('decay: { every: 30 days, lose: 50%, expireAfter: 180 days }');
  lines.push('mql: { threshold: 50, then: [{ do: route }] }');
  lines.push('sql: { when: { fact: bant.need, op: "==", value: confirmed } }');
  lines.push('disqualification: { reasons: { no-need: { then: nurture } } }');
  return `${lines.join('\n')}\n`;
}

function randomValue(random: () => number, spec: FactSpec): unknown {
  const roll = random();
  if (roll < 0.08) return undefined;
  if (roll < 0.11) return null;
  if (roll < 0.14) return pick(random, ['1200', '12abc', '', 'true', 0, -1, [1, 2], { nested: 1 }, false]);
  const t = spec.type;
  switch (t.type) {
    case 'number':
      return random() < 0.3 ? pick(random, [0, 50, 200, 1000, 2500]) : Math.floor(random() * 6000);
    case 'boolean':
      return random() < 0.5;
    case 'string':
      return pick(random, STRING_SAMPLES);
    case 'enum':
      return random() < 0.9 ? pick(random, t.values) : 'not-a-value';
  }
}

/** Random facts for `groups` (sometimes missing, null or of the wrong type), plus behaviours. */
export function randomFacts(
  random: () => number,
  now: Date,
  groups: readonly FactGroup[] = ['company', 'contact', 'source'],
): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const group of groups) {
    const roll = random();
    if (roll < 0.05) continue;
    if (roll < 0.07) {
      facts[group] = pick(random, [null, 'text', 42, []]);
      continue;
    }
    const values: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(FACTS[group])) {
      const value = randomValue(random, spec);
      if (value !== undefined) values[key] = value;
    }
    facts[group] = values;
  }
  const behaviours = Array.from({ length: Math.floor(random() * 6) }, () => ({
    type: pick(random, BEHAVIOURS),
    at: new Date(now.getTime() - Math.floor(random() * 200) * 86_400_000).toISOString(),
  }));
  if (behaviours.length > 0) facts.behaviours = behaviours;
  return facts;
}
