/**
 * The drill-down ids a report's figures carry: cut to the API's `idLimit` (every figure keeps its
 * exact count), and found again by a JSON Pointer to one figure (the drill-down route).
 */
import type { ReportEnvelope } from './run-report';

/** The fields that hold a figure's drill-down ids. */
export const ID_KEYS: ReadonlySet<string> = new Set(['ids', 'numeratorIds', 'denominatorIds']);

/**
 * How many ids of each list a report reads for a caller who keeps `idLimit` (all without one): one
 * more, so the cut to `idLimit` (capIds) still sees which lists were longer.
 */
export const idsToRead = (idLimit: number | undefined): number | undefined =>
  idLimit === undefined ? undefined : idLimit + 1;

/**
 * Figures as they go over the wire: dates as ISO strings and, with `limit`, each drill-down id list
 * cut to its first `limit` ids. The report functions give every id of a figure; the API keeps
 * `idLimit`, so a report cuts its lists to `idLimit + 1` here (capIds then still sees which were
 * longer) rather than writing and parsing them whole: 180 000 ids, in rule attribution.
 */
export function wired<T>(value: T, limit?: number): T {
  const text = JSON.stringify(value, (key, child: unknown) =>
    limit !== undefined && ID_KEYS.has(key) && Array.isArray(child) && child.length > limit
      ? child.slice(0, limit)
      : child,
  );
  return JSON.parse(text) as T;
}

/**
 * The report with every drill-down id list cut to `limit` ids (the figure's count stays exact),
 * and whether any list was cut.
 */
export function capIds<T>(value: T, limit: number): { value: T; truncated: boolean } {
  let truncated = false;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, child]) => {
        if (ID_KEYS.has(key) && Array.isArray(child)) {
          if (child.length > limit) truncated = true;
          return [key, child.slice(0, limit)];
        }
        return [key, walk(child)];
      }),
    );
  };
  return { value: walk(value) as T, truncated };
}

/**
 * The ids behind the figure a JSON Pointer (RFC 6901) names in the report, e.g.
 * `/current/winRate/byCount/numerator` or `/breakdown/groups/0/current/stages/mql`: the node's
 * `ids`, or the node itself when it is a list of ids. Null when the pointer names nothing that
 * carries ids.
 */
export function idsAt(report: ReportEnvelope, pointer: string): string[] | null {
  let node: unknown = report;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) node = /^(0|[1-9]\d*)$/.test(key) ? node[Number(key)] : undefined;
    else if (node !== null && typeof node === 'object' && Object.hasOwn(node, key))
      node = (node as Record<string, unknown>)[key];
    else return null;
  }
  const ids =
    node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as { ids?: unknown }).ids : node;
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : null;
}
