/**
 * Canonical JSON: the one text a value has whatever order its keys arrived in, so hashing it
 * names content rather than formatting. Callers hash it with sha256 outside the domain (the domain
 * may not import node:crypto).
 */

/**
 * Object keys sorted (by UTF-16 code unit), no whitespace, absent and `undefined` fields left out
 * (so `{ notes: undefined }` equals no notes). Array order is kept: it carries meaning (quote
 * lines, steps).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${fields.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`canonicalJson: ${value} has no JSON form`);
  return JSON.stringify(value);
}
