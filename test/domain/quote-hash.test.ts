import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { QuoteContent } from '../../src/domain/quote';
import { canonicalQuoteContent } from '../../src/domain/quote-hash';
import { quoteContent, quoteLine } from '../quotes/support';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The same object with every key order reversed, at every depth. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    ) as T;
  return value;
}

describe('canonicalQuoteContent', () => {
  it('when two contents differ only in key order, then their canonical text and hash are the same', () => {
    const content = quoteContent({ notes: 'Includes onboarding.' });
    expect(JSON.stringify(reversedKeys(content))).not.toBe(JSON.stringify(content));
    expect(canonicalQuoteContent(reversedKeys(content))).toBe(canonicalQuoteContent(content));
    expect(sha256(canonicalQuoteContent(reversedKeys(content)))).toBe(sha256(canonicalQuoteContent(content)));
  });

  it('when the canonical text is written, then keys are sorted, there is no whitespace, and it parses back to the content', () => {
    const content = quoteContent();
    const text = canonicalQuoteContent(content);
    expect(
      text.startsWith('{"currency":"USD","customer":{"address":"Hauptstr. 1\\n10115 Berlin","company":"Acme GmbH",'),
    ).toBe(true);
    expect(text).not.toMatch(/":\s|,\s"/);
    expect(JSON.parse(text)).toEqual(content);
  });

  it('when an optional field is undefined, then it hashes like an absent one', () => {
    const withUndefined: QuoteContent = { ...quoteContent(), notes: undefined };
    expect(canonicalQuoteContent(withUndefined)).toBe(canonicalQuoteContent(quoteContent()));
  });

  const twoLines = (first: string, second: string) =>
    quoteContent({ lines: [quoteLine({ id: first }), quoteLine({ id: second })] });
  it.each([
    ['a price changes', quoteContent(), quoteContent({ lines: [quoteLine({ unitPriceMinor: 100_001 })] })],
    ['the lines are reordered', twoLines('a', 'b'), twoLines('b', 'a')],
    ['a blank note is added', quoteContent(), quoteContent({ notes: ' ' })],
  ])('when %s, then the canonical text changes', (_what, before, after) => {
    expect(canonicalQuoteContent(after)).not.toBe(canonicalQuoteContent(before));
  });
});
