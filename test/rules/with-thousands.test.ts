import { describe, expect, it } from 'vitest';
import { withThousands } from '../../src/rules/explain';

describe('numbers in explanations', () => {
  it('when whole numbers are shown, then they are grouped in thousands as en-US writes them', () => {
    let seed = 5;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const numbers = [0, 999, 1000, 1001, 10_010, 999_999, 1_000_000, -1000, -1_234_567, 2 ** 53];
    for (let i = 0; i < 5000; i++) numbers.push(next() % 3_000_000, -(next() % 20_000));
    for (const n of numbers) expect(withThousands(n)).toBe(n.toLocaleString('en-US', { maximumFractionDigits: 20 }));
  });

  it('when a number has a fraction or no digits to group, then it is shown as written', () => {
    expect(withThousands(1234.5)).toBe('1,234.5');
    expect(withThousands(12.25)).toBe('12.25');
    expect(withThousands(1e21)).toBe('1e+21');
    expect(withThousands(Number.NaN)).toBe('NaN');
  });
});
