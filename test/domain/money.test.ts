import { describe, expect, it } from 'vitest';
import {
  applyBasisPoints,
  currencyExponent,
  formatAmount,
  formatBasisPoints,
  formatMoney,
  formatPartsPerMillion,
  MoneyError,
  mulDivRounded,
  multiplyMinor,
  parseBasisPoints,
  parseMoney,
  parsePartsPerMillion,
  sumMinor,
  toWholeUnits,
} from '../../src/domain/money';

function moneyError(run: () => unknown): MoneyError {
  try {
    run();
  } catch (error) {
    if (error instanceof MoneyError) return error;
    throw error;
  }
  throw new Error('expected a MoneyError');
}

describe('currencies', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['CAD', 2],
    ['AUD', 2],
    ['JPY', 0],
    ['KWD', 3],
  ])('when the currency is %s, then it has %d decimals', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('when the currency is unknown, then a typed error names it and lists what is supported', () => {
    const error = moneyError(() => currencyExponent('XYZ'));
    expect(error.code).toBe('unknown-currency');
    expect(error.message).toMatch(/^unknown currency "XYZ": use an ISO 4217 code leadflow supports \(USD, EUR/);
  });
});

describe('parseMoney', () => {
  it.each([
    ['1234.50', 'USD', 123_450],
    ['1234.5', 'USD', 123_450],
    ['1234', 'USD', 123_400],
    ['0.01', 'USD', 1],
    [' 7.00 ', 'EUR', 700],
    ['-12.34', 'GBP', -1_234],
    ['1500', 'JPY', 1_500],
    ['1.234', 'KWD', 1_234],
    ['90071992547409.91', 'USD', Number.MAX_SAFE_INTEGER],
  ])('when %j %s is parsed, then it is %d minor units', (text, currency, minor) => {
    expect(parseMoney(text, currency)).toBe(minor);
  });

  it('when an amount has more decimals than the currency, then it is rejected, not rounded', () => {
    expect(moneyError(() => parseMoney('12.345', 'USD'))).toMatchObject({
      code: 'too-many-decimals',
      message: '"12.345" has 3 decimals; USD allows at most 2 decimals',
    });
    expect(moneyError(() => parseMoney('1500.5', 'JPY'))).toMatchObject({
      code: 'too-many-decimals',
      message: '"1500.5" has 1 decimals; JPY has no minor unit: write a whole number',
    });
  });

  it.each(['1,234.50', '$12', '1e5', '.5', '12.', '', 'abc'])(
    'when the text is %j, then it is not an amount',
    (text) => {
      expect(moneyError(() => parseMoney(text, 'USD')).code).toBe('invalid-amount');
    },
  );

  it('when the amount is beyond 2^53 minor units, then it overflows instead of losing cents', () => {
    expect(moneyError(() => parseMoney('90071992547409.92', 'USD')).code).toBe('overflow');
  });
});

describe('formatting', () => {
  it.each([
    [123_450, 'USD', 'USD 1,234.50'],
    [5, 'USD', 'USD 0.05'],
    [0, 'EUR', 'EUR 0.00'],
    [-500, 'USD', 'USD -5.00'],
    [1_500, 'JPY', 'JPY 1,500'],
    [123_456_789, 'KWD', 'KWD 123,456.789'],
    [Number.MAX_SAFE_INTEGER, 'USD', 'USD 90,071,992,547,409.91'],
  ])('when %d minor units of %s are shown, then they read %j', (minor, currency, text) => {
    expect(formatMoney(minor, currency)).toBe(text);
  });

  it('when an amount is shown without its currency, then only the number is there', () => {
    expect(formatAmount(-123_450, 'GBP')).toBe('-1,234.50');
  });

  it.each([
    [1250, '12.5%'],
    [700, '7%'],
    [1, '0.01%'],
    [10_000, '100%'],
    [1999, '19.99%'],
  ])('when %d bp are shown, then they read %s', (bp, text) => {
    expect(formatBasisPoints(bp)).toBe(text);
  });
});

describe('parseBasisPoints', () => {
  it.each([
    ['12.5', 1250],
    ['12.5%', 1250],
    ['7', 700],
    ['0.01', 1],
    ['100', 10_000],
    ['19.99 %', 1999],
  ])('when %j is parsed, then it is %d bp', (text, bp) => {
    expect(parseBasisPoints(text)).toBe(bp);
  });

  it('when a percentage has more than 2 decimals, then it is rejected because bp cannot hold it', () => {
    expect(moneyError(() => parseBasisPoints('8.875'))).toMatchObject({
      code: 'invalid-percentage',
      message: expect.stringContaining('at most 2'),
    });
  });

  it.each(['-5', 'ten', '', '5.'])('when %j is parsed, then it is not a percentage', (text) => {
    expect(moneyError(() => parseBasisPoints(text)).code).toBe('invalid-percentage');
  });
});

describe('tax rates in parts per million', () => {
  it.each([
    ['8.875%', 88_750],
    ['20%', 200_000],
    ['0%', 0],
    ['7.25', 72_500],
    ['0.0001%', 1],
    ['100%', 1_000_000],
  ])('when %j is parsed, then it is %d ppm and formats back', (text, ppm) => {
    expect(parsePartsPerMillion(text)).toBe(ppm);
    expect(formatPartsPerMillion(ppm)).toBe(text.endsWith('%') ? text : `${text}%`);
  });

  it('when a rate has more than 4 decimals, then it is rejected instead of rounded', () => {
    expect(moneyError(() => parsePartsPerMillion('8.87501%'))).toMatchObject({
      code: 'invalid-percentage',
      message: expect.stringContaining('at most 4'),
    });
  });
});

describe('rounding: half away from zero, once per amount', () => {
  it.each([
    // 10 × 5% = 0.5 → 1; 30 × 5% = 1.5 → 2; 50 × 5% = 2.5 → 3 (half-even would give 0, 2, 2)
    [10, 500, 1],
    [30, 500, 2],
    [50, 500, 3],
    [-10, 500, -1],
    [-50, 500, -3],
    // 9 × 5% = 0.45 → 0; 11 × 5% = 0.55 → 1
    [9, 500, 0],
    [11, 500, 1],
    [-9, 500, 0],
    [-11, 500, -1],
  ])('when %d minor units take %d bp, then the result is %d', (amount, bp, expected) => {
    expect(applyBasisPoints(amount, bp)).toBe(expected);
  });

  it('when the product exceeds 2^53, then it is still exact: 10^15 cents × 12.34% is 123,400,000,000,000', () => {
    // 10^15 × 1234 = 1.234 × 10^18, far past 2^53 ≈ 9.007 × 10^15; floats would be off by cents.
    expect(applyBasisPoints(1e15, 1234)).toBe(123_400_000_000_000);
    expect(applyBasisPoints(999_999_999_999_999, 5)).toBe(500_000_000_000); // 499,999,999,999.9995 → up
  });

  it('when a division lands on .5 exactly, then it rounds away from zero on both signs', () => {
    expect(mulDivRounded(1, 1, 2)).toBe(1);
    expect(mulDivRounded(-1, 1, 2)).toBe(-1);
    expect(mulDivRounded(5, 1, 4)).toBe(1); // 1.25 → 1
    expect(mulDivRounded(7, 1, 4)).toBe(2); // 1.75 → 2
  });

  it('when the product fits in a double, then it is rounded as exactly as in BigInt, on both signs and near 2^52', () => {
    // The reference: a × b / divisor rounded half away from zero, in BigInt.
    const exact = (a: number, b: number, divisor: number) => {
      const [n, d] = [BigInt(a) * BigInt(b), BigInt(divisor)];
      const [q, r] = [n / d, n % d];
      return Number((r < 0n ? -r : r) * 2n < d ? q : n < 0n ? q - 1n : q + 1n);
    };
    // A fixed seed: the same 60 000 cases on every run.
    let seed = 20_261_207;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
    const pick = (values: readonly number[]) => values[next() % values.length]!;
    const large = () => (next() * 2_147_483_648 + next()) % 2 ** 52;
    const cases: [number, number, number][] = [
      [2 ** 52, 1, 3],
      [-(2 ** 52), 1, 3],
      [2 ** 52 - 1, 1, 2 ** 52],
      [2 ** 26, 2 ** 26, 2 ** 52 - 1],
      [0, -5, 7],
      [-1, 1, 10_000],
    ];
    for (let i = 0; i < 60_000; i++) {
      const sign = next() % 2 ? -1 : 1;
      const kind = i % 3;
      // Amounts times basis points, large numerators by small divisors, and near-halves.
      if (kind === 0) cases.push([sign * (next() % 10_000_000_000), pick([0, 1, 5, 250, 1_000, 7_500, 9_999]), 10_000]);
      else if (kind === 1) cases.push([sign * large(), 1, pick([1, 2, 3, 7, 10_000, 2 ** 31 - 1, 2 ** 52])]);
      else {
        const divisor = 2 * (1 + (next() % 5_000));
        cases.push([sign * ((next() % 1_000_000) * divisor + divisor / 2), 1, divisor]);
      }
    }
    const wrong = cases.filter(([a, b, divisor]) => !Object.is(mulDivRounded(a, b, divisor), exact(a, b, divisor)));
    expect(wrong).toEqual([]);
  });

  it('when a product or sum leaves the safe-integer range, then it throws overflow instead of rounding silently', () => {
    expect(moneyError(() => multiplyMinor(1e9, 1e8)).code).toBe('overflow');
    expect(moneyError(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).code).toBe('overflow');
  });

  it('when a sum passes the safe-integer range on the way but ends inside it, then it is exact', () => {
    // A double sum would round MAX_SAFE + 2 to MAX_SAFE + 1, then land one below the true result.
    expect(sumMinor([Number.MAX_SAFE_INTEGER, 2, -3])).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(sumMinor([-Number.MAX_SAFE_INTEGER, -2, 2])).toBe(-Number.MAX_SAFE_INTEGER);
    expect(sumMinor([1_999, -1_000, 1])).toBe(1_000);
    expect(sumMinor([])).toBe(0);
  });

  it('when an amount is not an integer, then it is refused: money is never a float', () => {
    expect(moneyError(() => applyBasisPoints(10.5, 100)).code).toBe('invalid-amount');
    expect(moneyError(() => sumMinor([1, 10.5])).code).toBe('invalid-amount');
    expect(moneyError(() => sumMinor([1, Number.NaN])).code).toBe('invalid-amount');
  });
});

describe('toWholeUnits', () => {
  it.each([
    [123_456, 'USD', 1234],
    [99, 'USD', 0],
    [1_500, 'JPY', 1500],
    [-1, 'USD', -1],
  ])('when %d minor units of %s are floored, then they are %d units', (minor, currency, units) => {
    expect(toWholeUnits(minor, currency)).toBe(units);
  });
});
