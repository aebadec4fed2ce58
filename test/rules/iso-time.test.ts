import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../src/rules/iso-time';

describe('ISO instants on the scoring hot path', () => {
  it('when a stored behaviour time is read, then it is the instant Date.parse gives', () => {
    for (const text of [
      '2025-03-10T14:00:00.000Z',
      '2025-03-10T14:00:00Z',
      '2024-02-29T23:59:59.999Z',
      '1999-12-31T00:00:00.001Z',
      '9999-12-31T23:59:59.999Z',
    ])
      expect(parseInstant(text)).toBe(Date.parse(text));
  });

  it('when 10,000 stored times from year 1000 to 9999 are read, then each is the instant Date.parse gives', () => {
    let seed = 11;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 10_000; i++) {
      const text = new Date(Math.round(-30610224000000 + (next() / 2147483647) * 284012524799999)).toISOString();
      expect(parseInstant(text)).toBe(Date.parse(text));
      expect(parseInstant(text.replace(/\.\d{3}Z$/, 'Z'))).toBe(Date.parse(text.replace(/\.\d{3}Z$/, 'Z')));
    }
  });

  it('when the text is not the canonical form, then Date.parse decides, invalid dates included', () => {
    for (const text of [
      '2025-02-29T10:00:00Z', // not a leap year: Date.parse says NaN
      '2025-04-31T10:00:00.000Z',
      '2025-13-01T10:00:00Z',
      '2025-03-10T24:00:00Z',
      '2025-03-10T14:00:00+01:00',
      '2025-03-10',
      '0099-03-10T14:00:00Z',
      'soon',
      '',
      '2025-0a-10T14:00:00Z',
    ])
      expect(Number.isNaN(parseInstant(text)) ? 'NaN' : parseInstant(text)).toBe(
        Number.isNaN(Date.parse(text)) ? 'NaN' : Date.parse(text),
      );
  });

  it('when a time is named, then the text is toISOString, for 10,000 times from year 1000 to 9999 and beyond', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const times = [0, -1, 253402300799999, 253402300800000, -30610224000000, -30610224000001, -62198755200000];
    for (let i = 0; i < 10_000; i++) times.push((next() / 2147483647) * 5e14 - 2.5e14);
    for (const ms of times) expect(formatInstant(Math.round(ms))).toBe(new Date(Math.round(ms)).toISOString());
  });
});
