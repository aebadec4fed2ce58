/**
 * The canonical text of a quote's content, for its content hash. Callers hash it with sha256
 * outside the domain (the domain may not import node:crypto), so the same content gets the same
 * hash on every machine, whatever order its keys arrived in.
 */
import { canonicalJson } from './canonical-json';
import type { QuoteContent } from './quote';

/**
 * Canonical JSON of a quote's content: object keys sorted (by UTF-16 code unit), no whitespace,
 * absent and `undefined` fields left out (so `{ notes: undefined }` equals no notes). Array order
 * is kept: line order is what the customer sees, so reordering lines is a change.
 */
export function canonicalQuoteContent(content: QuoteContent): string {
  return canonicalJson(content);
}
