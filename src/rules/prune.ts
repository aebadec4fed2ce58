/**
 * Lets meaning checks run even when the schema rejected part of a file, so one typo does
 * not hide the other problems. The list items holding schema errors are set aside, the
 * rest is checked, and findings are mapped back to the original item positions.
 * Findings that only exist because items were set aside (a gap left by a removed tier, a
 * reference to a removed cadence) are dropped.
 */
import type { DocPath, Finding } from './yaml-source';

export interface Pruned {
  value: unknown;
  /** Where items were removed (original paths), to tell real findings from artefacts. */
  removedPaths: DocPath[];
  /** `name` of each removed item, so references to it are not reported as unknown. */
  removedNames: Set<string>;
  /** Maps a path in the pruned value back to the original document. */
  toOriginal: (path: DocPath) => DocPath;
}

/**
 * Removes what contains each of `problemPaths`: the innermost list item, or else the
 * entry of a top-level block (`behaviours.pricing-visit`), or else the whole top-level
 * key. The caller re-validates; if that still fails, no meaning checks run.
 */
export function pruneListItems(value: unknown, problems: readonly { path: DocPath; blockDepth: 0 | 1 }[]): Pruned {
  const removals = new Map<string, Set<number | string>>();
  const removedPaths: DocPath[] = [];
  for (const { path, blockDepth } of problems) {
    const last = findLastIndex(path, (segment) => typeof segment === 'number');
    const cut = last >= 0 ? last : Math.min(path.length - 1, blockDepth);
    if (cut < 0) continue;
    const key = JSON.stringify(path.slice(0, cut));
    const set = removals.get(key) ?? new Set<number | string>();
    set.add(path[cut]!);
    removals.set(key, set);
    removedPaths.push(path.slice(0, cut + 1));
  }
  const kept = new Map<string, number[]>();
  const removedNames = new Set<string>();
  const clone = (node: unknown, original: DocPath, pruned: DocPath): unknown => {
    if (Array.isArray(node)) {
      const removed = removals.get(JSON.stringify(original)) ?? new Set<number | string>();
      const keptIndexes = node.map((_, i) => i).filter((i) => !removed.has(i));
      for (const i of removed) {
        const name = (node[Number(i)] as { name?: unknown } | undefined)?.name;
        if (typeof name === 'string') removedNames.add(name);
      }
      kept.set(JSON.stringify(pruned), keptIndexes);
      return keptIndexes.map((i, j) => clone(node[i], [...original, i], [...pruned, j]));
    }
    if (node !== null && typeof node === 'object') {
      const removed = removals.get(JSON.stringify(original));
      return Object.fromEntries(Object.entries(node).filter(([k]) => !removed?.has(k)).map(([k, v]) => [k, clone(v, [...original, k], [...pruned, k])]));
    }
    return node;
  };
  const prunedValue = clone(value, [], []);
  const toOriginal = (path: DocPath): DocPath => {
    const result: (string | number)[] = [];
    path.forEach((segment, i) => {
      const indexes = typeof segment === 'number' ? kept.get(JSON.stringify(path.slice(0, i))) : undefined;
      result.push(indexes ? (indexes[segment as number] ?? segment) : segment);
    });
    return result;
  };
  return { value: prunedValue, removedPaths, removedNames, toOriginal };
}

/** Drops findings caused by the pruning itself; maps the rest back to original positions. */
export function unprune(findings: readonly Finding[], pruned: Pruned): Finding[] {
  const removedUnder = (...tops: string[]) => pruned.removedPaths.some((p) => tops.includes(String(p[0])));
  const artefact = (f: Finding) =>
    (f.code === 'approval-gap' && removedUnder('tiers')) ||
    (f.code === 'unreachable-threshold' && removedUnder('attributes', 'sources', 'behaviours')) ||
    f.severity === 'warning' ||
    (f.code === 'unknown-reference' && [...pruned.removedNames].some((name) => f.message.includes(`"${name}"`)));
  return findings.filter((f) => !artefact(f)).map((f) => ({ ...f, path: pruned.toOriginal(f.path) }));
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}
