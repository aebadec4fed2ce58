/**
 * A small seeded pseudo-random generator (mulberry32) and the draws generated data needs, so the
 * same seed writes the same data on every run and every machine. Not for anything secret.
 */

/** A source of numbers in [0, 1), reproducible from its seed. */
export interface SeededRandom {
  (): number;
  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number;
  /** A number in [min, max). */
  between(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element, each equally likely. */
  pick<T>(list: readonly T[]): T;
  /** One key, each as likely as its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

/** mulberry32: 32 bits of state, good enough spread for test and demo data. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const random = next as SeededRandom;
  random.int = (min, max) => min + Math.floor(next() * (max - min + 1));
  random.between = (min, max) => min + next() * (max - min);
  random.chance = (p) => next() < p;
  random.pick = <T>(list: readonly T[]): T => {
    if (list.length === 0) throw new Error('seededRandom.pick: the list is empty');
    return list[Math.floor(next() * list.length)]!;
  };
  random.weighted = <K extends string>(weights: Readonly<Record<K, number>>): K => {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = next() * total;
    for (const [key, weight] of entries) {
      draw -= weight;
      if (draw < 0) return key;
    }
    return entries[entries.length - 1]![0];
  };
  return random;
}
