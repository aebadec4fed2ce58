/**
 * "Did you mean …?" suggestions for misspelt names. RevOps staff type fact names, pool
 * names and operators by hand; the nearest known name is usually what they meant.
 */

/** Edit distance (insert, delete, substitute, swap adjacent) between two strings. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name closest to `input`, if it is close enough to be a plausible typo
 * (a third of the length, at least 2 edits, or the same name in another case/separator).
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');
  const list = [...candidates];
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of list) {
    if (normal(candidate) === normal(input)) return candidate;
    // Ties go to the candidate closest in length: "dayz" means "days", not "day".
    const score = editDistance(input.toLowerCase(), candidate.toLowerCase()) + Math.abs(candidate.length - input.length) / 100;
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  const allowed = Math.max(2, Math.floor(input.length / 3));
  return Math.floor(bestScore) <= allowed ? best : containingAllWords(input, list);
}

/** `pricing-visit` → `pricing-page-visit`: a name using every word typed, shortest first. */
function containingAllWords(input: string, candidates: readonly string[]): string | undefined {
  const words = input.toLowerCase().split(/[\s_.-]+/).filter((w) => w.length > 2);
  if (words.length === 0) return undefined;
  return candidates
    .filter((c) => words.every((w) => c.toLowerCase().split(/[\s_.-]+/).includes(w)))
    .sort((a, b) => a.length - b.length)[0];
}

/** `did you mean "assign"?`, or a short list of what is allowed, or nothing. */
export function suggestion(input: string, candidates: readonly string[]): string | undefined {
  const near = closest(input, candidates);
  if (near !== undefined) return `did you mean "${near}"?`;
  if (candidates.length > 0 && candidates.length <= 12) return `expected one of: ${candidates.join(', ')}`;
  return undefined;
}
