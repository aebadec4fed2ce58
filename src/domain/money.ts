/**
 * Money for the deal desk: integer minor units (cents, pence, yen) in an ISO 4217 currency, and
 * percentages as integer basis points (1 bp = 0.01%). No floats anywhere in the arithmetic:
 * products and quotients go through BigInt, and every result must be a safe integer.
 *
 * Rounding rule, the only one: round half away from zero ("commercial rounding"), applied once
 * to each computed amount — 0.5 → 1, −0.5 → −1, 0.49 → 0. Pure code: safe in workflows.
 */

/**
 * Minor-unit exponent of each supported currency (ISO 4217): an amount of 1 unit is
 * 10^exponent minor units. Add a currency here to accept it anywhere in quotes.
 */
export const CURRENCY_EXPONENTS = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CAD: 2,
  AUD: 2,
  NZD: 2,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  SGD: 2,
  HKD: 2,
  CNY: 2,
  INR: 2,
  MXN: 2,
  BRL: 2,
  ZAR: 2,
  ILS: 2,
  AED: 2,
  JPY: 0,
  KRW: 0,
  ISK: 0,
  CLP: 0,
  VND: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
} as const satisfies Record<string, 0 | 2 | 3>;

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;

/** Every supported currency code, e.g. for a zod `z.enum(CURRENCY_CODES)` at the HTTP boundary. */
export const CURRENCY_CODES = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];

/** 100% in basis points. */
export const FULL_BP = 10_000;

/**
 * 100% in parts per million (1 ppm = 0.0001%). Tax rates need this finer unit: US sales tax is
 * often quoted to three decimals (New York City: 8.875% = 88 750 ppm), which basis points cannot hold.
 */
export const FULL_PPM = 1_000_000;

export type MoneyErrorCode =
  'unknown-currency' | 'invalid-amount' | 'too-many-decimals' | 'invalid-percentage' | 'overflow';

/** A money input or result that cannot be represented exactly; the message says how to fix it. */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';
  readonly code: MoneyErrorCode;
  constructor(code: MoneyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.code = code;
  }
}

export function isCurrencyCode(code: string): code is CurrencyCode {
  return Object.hasOwn(CURRENCY_EXPONENTS, code);
}

/** The minor-unit exponent of `currency` (2 for USD, 0 for JPY); throws `unknown-currency` otherwise. */
export function currencyExponent(currency: string): number {
  if (!isCurrencyCode(currency)) {
    throw new MoneyError(
      'unknown-currency',
      `unknown currency "${currency}": use an ISO 4217 code leadflow supports (${CURRENCY_CODES.join(', ')})`,
    );
  }
  return CURRENCY_EXPONENTS[currency];
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** Narrows a BigInt result back to a number, or throws `overflow` if it is not a safe integer. */
function toSafe(value: bigint, what: string): number {
  if (value > MAX || value < -MAX) {
    throw new MoneyError(
      'overflow',
      `${what} is ${value}, beyond the largest exact amount (${Number.MAX_SAFE_INTEGER} minor units)`,
    );
  }
  return Number(value);
}

function assertInteger(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value))
    throw new MoneyError(
      'invalid-amount',
      `${what} must be a whole number of minor units (a safe integer), got ${value}`,
    );
  return BigInt(value);
}

/** `numerator / divisor` rounded half away from zero; `divisor` must be positive. */
function divideRounded(numerator: bigint, divisor: bigint): bigint {
  const quotient = numerator / divisor;
  const remainder = numerator % divisor;
  const twiceRemainder = remainder < 0n ? -2n * remainder : 2n * remainder;
  if (twiceRemainder < divisor) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

/** The largest magnitude divideRoundedSafe takes. */
const HALF_SAFE = 2 ** 52;

/**
 * divideRounded in doubles, for a numerator of at most 2^52 in size and a positive divisor. The
 * quotient in doubles is then its integer part exactly: it is off by at most numerator × 2^-53 ÷
 * divisor, at most 1 ÷ (2 × divisor), and a quotient that is not whole lies at least 1 ÷ divisor from
 * the nearest whole number. The remainder, quotient × divisor and twice the remainder stay below
 * 2^53, so they are exact too. Never -0.
 */
function divideRoundedSafe(numerator: number, divisor: number): number {
  const quotient = Math.trunc(numerator / divisor);
  const remainder = numerator - quotient * divisor;
  return (2 * Math.abs(remainder) >= divisor ? quotient + Math.sign(numerator) : quotient) + 0;
}

/**
 * `a × b / divisor`, rounded half away from zero, computed exactly (the product may exceed 2^53).
 * The one place rounding happens: line discounts, the overall discount, tax and the effective
 * discount all go through it.
 */
export function mulDivRounded(a: number, b: number, divisor: number): number {
  // In doubles when the product and the divisor are integers of at most 2^52 (every amount of a
  // report's weighted pipeline): then the product is exact, and so is every step of
  // divideRoundedSafe. In BigInt otherwise, and for what it refuses.
  const product = a * b;
  if (
    Number.isSafeInteger(a) &&
    Number.isSafeInteger(b) &&
    Number.isInteger(product) &&
    Math.abs(product) <= HALF_SAFE &&
    Number.isInteger(divisor) &&
    divisor > 0 &&
    divisor <= HALF_SAFE
  )
    return divideRoundedSafe(product, divisor);
  const d = assertInteger(divisor, 'divisor');
  if (d <= 0n) throw new MoneyError('invalid-amount', `divisor must be positive, got ${divisor}`);
  return toSafe(divideRounded(assertInteger(a, 'amount') * assertInteger(b, 'multiplier'), d), 'result');
}

/** `amountMinor × bp / 10000`, rounded half away from zero: a discount or a tax on an amount. */
export function applyBasisPoints(amountMinor: number, bp: number): number {
  return mulDivRounded(amountMinor, bp, FULL_BP);
}

/**
 * The discount a price and a percentage off it give together, measured against a reference (the
 * price book's list price): 1 − (price ÷ reference) × (1 − bp ÷ 10000), in basis points. Unlike
 * amounts, this rate is rounded UP to the next whole bp: it is judged against approval authority,
 * and a price a fraction of a cent below the 10% mark gives more than 10%. A price above the
 * reference is no discount (0, never negative); so is anything against a reference of 0.
 */
export function discountAgainstBp(referenceMinor: number, priceMinor: number, bp: number): number {
  const reference = assertInteger(referenceMinor, 'reference price');
  if (reference <= 0n) return 0;
  const full = BigInt(FULL_BP);
  const kept = assertInteger(priceMinor, 'price') * (full - assertInteger(bp, 'basis points'));
  const shortfall = reference * full - kept;
  if (shortfall <= 0n) return 0;
  const roundedUp = (shortfall + reference - 1n) / reference;
  return Number(roundedUp > full ? full : roundedUp);
}

/** `a × b` exactly (quantity × unit price); throws `overflow` past the safe-integer range. */
export function multiplyMinor(a: number, b: number): number {
  return toSafe(assertInteger(a, 'amount') * assertInteger(b, 'multiplier'), `${a} × ${b}`);
}

/** Σ amounts exactly; throws `overflow` past the safe-integer range. */
export function sumMinor(amounts: readonly number[]): number {
  // In doubles while every amount and every partial sum is a safe integer: each addition is then
  // exact (a sum past the range rounds to 2^53 or beyond, which is not safe). Otherwise in BigInt,
  // which reports the amount or the sum out of range. Reports sum tens of thousands of amounts.
  let sum = 0;
  for (const amount of amounts) {
    sum += amount;
    if (!Number.isSafeInteger(amount) || !Number.isSafeInteger(sum)) return sumExactly(amounts);
  }
  return sum;
}

function sumExactly(amounts: readonly number[]): number {
  return toSafe(
    amounts.reduce((sum, amount) => sum + assertInteger(amount, 'amount'), 0n),
    'the sum',
  );
}

/** `a − b` exactly; throws `overflow` past the safe-integer range. */
export function subtractMinor(a: number, b: number): number {
  return toSafe(assertInteger(a, 'amount') - assertInteger(b, 'amount'), `${a} − ${b}`);
}

/** An amount in whole currency units, rounded down (floor): 123456 USD cents → 1234. */
export function toWholeUnits(amountMinor: number, currency: string): number {
  const scale = 10n ** BigInt(currencyExponent(currency));
  const minor = assertInteger(amountMinor, 'amount');
  const truncated = minor / scale;
  return Number(minor < 0n && minor % scale !== 0n ? truncated - 1n : truncated);
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a plain decimal string ("1234.50", "-3", "1200") into minor units, exactly. No grouping
 * separators, exponents or currency symbols. More decimals than the currency has is an error,
 * never a silent rounding: "12.345" USD and "1.5" JPY are rejected.
 */
export function parseMoney(text: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = DECIMAL.exec(text.trim());
  if (!match) {
    throw new MoneyError(
      'invalid-amount',
      `"${text}" is not an amount: write digits with an optional "." and up to ${exponent} decimals, without grouping or symbols (e.g. "1234.50")`,
    );
  }
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > exponent) {
    const allowed =
      exponent === 0
        ? `${currency} has no minor unit: write a whole number`
        : `${currency} allows at most ${exponent} decimals`;
    throw new MoneyError('too-many-decimals', `"${text}" has ${fraction.length} decimals; ${allowed}`);
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  return toSafe(sign === '-' ? -minor : minor, `"${text}" ${currency}`);
}

/** Digits of an integer with a comma every three: 1234567 → "1,234,567". */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An amount without its currency, en-US style with every minor digit: 123450 USD → "1,234.50", 1500 JPY → "1,500". */
export function formatAmount(amountMinor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const minor = assertInteger(amountMinor, 'amount');
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = groupThousands(digits.slice(0, digits.length - exponent));
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${minor < 0n ? '-' : ''}${whole}${fraction}`;
}

/**
 * An amount for display with its ISO code: "USD 1,234.50", "JPY 1,500", "USD -5.00". The code
 * (not a symbol) keeps CAD, AUD and USD apart, and is plain ASCII for any PDF font.
 */
export function formatMoney(amountMinor: number, currency: string): string {
  return `${currency} ${formatAmount(amountMinor, currency)}`;
}

const PERCENT = /^(\d+)(?:\.(\d+))?$/;

/** Parses a non-negative percentage ("12.5", "12.5%", "7") into basis points (1250, 1250, 700); at most 2 decimals. */
export function parseBasisPoints(text: string): number {
  const match = PERCENT.exec(text.trim().replace(/\s*%$/, ''));
  if (!match)
    throw new MoneyError(
      'invalid-percentage',
      `"${text}" is not a percentage: write a non-negative number such as "12.5"`,
    );
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > 2) {
    throw new MoneyError(
      'invalid-percentage',
      `"${text}" has ${fraction.length} decimals; percentages are kept in basis points (0.01%), so at most 2`,
    );
  }
  return toSafe(BigInt(whole + fraction.padEnd(2, '0')), `"${text}"%`);
}

/** Parses a non-negative percentage ("8.875%", "20", "0%") into parts per million (88750, 200000, 0); at most 4 decimals. */
export function parsePartsPerMillion(text: string): number {
  const match = PERCENT.exec(text.trim().replace(/\s*%$/, ''));
  if (!match)
    throw new MoneyError(
      'invalid-percentage',
      `"${text}" is not a percentage: write a non-negative number such as "8.875%"`,
    );
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > 4) {
    throw new MoneyError(
      'invalid-percentage',
      `"${text}" has ${fraction.length} decimals; rates are kept in parts per million (0.0001%), so at most 4`,
    );
  }
  return toSafe(BigInt(whole + fraction.padEnd(4, '0')), `"${text}"%`);
}

/** Parts per million as a percentage, without trailing zeros: 88750 → "8.875%", 200000 → "20%". */
export function formatPartsPerMillion(ppm: number): string {
  const value = assertInteger(ppm, 'parts per million');
  const abs = value < 0n ? -value : value;
  const fraction = (abs % 10_000n).toString().padStart(4, '0').replace(/0+$/, '');
  return `${value < 0n ? '-' : ''}${abs / 10_000n}${fraction ? `.${fraction}` : ''}%`;
}

/** Basis points as a percentage, without trailing zeros: 1250 → "12.5%", 700 → "7%", 1 → "0.01%". */
export function formatBasisPoints(bp: number): string {
  const value = assertInteger(bp, 'basis points');
  const abs = value < 0n ? -value : value;
  const fraction = (abs % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${value < 0n ? '-' : ''}${abs / 100n}${fraction ? `.${fraction}` : ''}%`;
}
