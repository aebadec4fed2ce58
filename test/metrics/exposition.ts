/**
 * Reading a Prometheus text exposition in tests: scrape it over real HTTP, parse its samples, and
 * compare two scrapes. Series are keyed `name{a="1",b="2"}` with the labels sorted by name.
 */

export type Samples = Map<string, number>;

/** GET the exposition with a bearer token; fails the test with the body when the answer is not 200. */
export async function scrape(url: string, token: string): Promise<{ text: string; samples: Samples }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text}`);
  return { text, samples: parseExposition(text) };
}

/** Every sample line of the exposition (comments skipped), by series key. */
export function parseExposition(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name, labelText = '', value] = match;
    const labels: Record<string, string> = {};
    for (const [, label, labelValue] of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[label!] = labelValue!;
    samples.set(seriesKey(name!, labels), Number(value));
  }
  return samples;
}

export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const inner = Object.keys(labels)
    .sort()
    .map((label) => `${label}="${labels[label]}"`)
    .join(',');
  return inner ? `${name}{${inner}}` : name;
}

/** How much a series grew between two scrapes (an absent series counts as 0). */
export function grew(before: Samples, after: Samples, name: string, labels: Record<string, string> = {}): number {
  const key = seriesKey(name, labels);
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

/** The series of one metric, as `{ labels → value }`. */
export function seriesOf(samples: Samples, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return [...samples.entries()]
    .filter(([key]) => key === name || key.startsWith(`${name}{`))
    .map(([key, value]) => ({ labels: labelsOf(key), value }));
}

function labelsOf(key: string): Record<string, string> {
  const inner = /\{(.*)\}$/.exec(key)?.[1] ?? '';
  return Object.fromEntries(
    [...inner.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]),
  );
}
