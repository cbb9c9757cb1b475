/**
 * Money as integer minor units (bigint) with one ISO 4217 currency. Never floats.
 *
 * Rounding rule (the one rule wherever a percentage of money is taken, unless a caller states
 * another): round half to even on the minor unit ("banker's rounding", IEEE 754-2019
 * roundTiesToEven applied to the exact rational result). It is unbiased over many fares, so
 * neither the co-op nor the drivers gain a systematic half-cent. The other modes exist for
 * the few places where a bound must hold (e.g. the patronage cash share uses ceiling so the
 * cash part is never below the stated percentage).
 */
import { isCurrencyCode, minorUnitExponent } from './currency';
import { MoneyError } from './errors';

/** An amount of integer minor units (cents for CAD) in one currency; may be negative. */
export interface Money {
  readonly amount: bigint;
  readonly currency: string;
}

/** The API shape of money: `{ amount: <safe integer minor units>, currency }` (API.md). */
export interface MoneyJson {
  amount: number;
  currency: string;
}

/** How an exact rational result is brought to a whole minor unit. */
export type Rounding = 'half-even' | 'ceil' | 'floor';

/** Basis points in one whole (10000 bp = 100%). */
export const BASIS_POINTS_PER_UNIT = 10_000n;

/** Throws MONEY.INVALID_CURRENCY unless `currency` is an accepted ISO 4217 code. */
export function assertCurrency(currency: unknown): asserts currency is string {
  if (!isCurrencyCode(currency)) {
    throw new MoneyError('MONEY.INVALID_CURRENCY', `not an accepted ISO 4217 code: ${String(currency)}`, {
      currency: typeof currency === 'string' ? currency : null,
    });
  }
}

/** Builds Money from integer minor units (bigint, or a safe-integer number) and a currency. */
export function money(amount: bigint | number, currency: string): Money {
  assertCurrency(currency);
  if (typeof amount === 'number') {
    if (!Number.isSafeInteger(amount)) {
      throw new MoneyError('MONEY.INVALID_AMOUNT', `amount must be a safe integer of minor units: ${amount}`);
    }
    return { amount: BigInt(amount), currency };
  }
  if (typeof amount !== 'bigint') {
    throw new MoneyError('MONEY.INVALID_AMOUNT', 'amount must be a bigint or a safe integer');
  }
  return { amount, currency };
}

/** Zero in the given currency. */
export function zero(currency: string): Money {
  return money(0n, currency);
}

/** Throws MONEY.CURRENCY_MISMATCH unless both amounts share a currency. */
export function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError('MONEY.CURRENCY_MISMATCH', `currency mismatch: ${a.currency} vs ${b.currency}`, {
      left: a.currency,
      right: b.currency,
    });
  }
}

/** a + b, same currency. */
export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

/** a - b, same currency. */
export function sub(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

/** -a. */
export function negate(a: Money): Money {
  return { amount: -a.amount, currency: a.currency };
}

/** Sum of amounts in `currency` (the currency is needed so an empty list has one). */
export function sumMoney(currency: string, items: readonly Money[]): Money {
  let total = zero(currency);
  for (const m of items) total = add(total, m);
  return total;
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (same currency). */
export function compare(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

/** True when both have the same currency and amount. */
export function moneyEquals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.amount === b.amount;
}

/** The smaller of two amounts (same currency). */
export function minMoney(a: Money, b: Money): Money {
  return compare(a, b) <= 0 ? a : b;
}

/** The larger of two amounts (same currency). */
export function maxMoney(a: Money, b: Money): Money {
  return compare(a, b) >= 0 ? a : b;
}

/** Floor division for bigint (rounds toward -infinity; bigint `/` truncates toward zero). */
function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && (n < 0n) !== (d < 0n) ? q - 1n : q;
}

/** n / d brought to an integer by `rounding`; d must be positive. Exact: no float involved. */
export function divRound(n: bigint, d: bigint, rounding: Rounding = 'half-even'): bigint {
  if (d <= 0n) throw new MoneyError('MONEY.INVALID_AMOUNT', 'divisor must be positive');
  const q = floorDiv(n, d);
  const r = n - q * d; // 0 <= r < d
  if (r === 0n) return q;
  switch (rounding) {
    case 'floor':
      return q;
    case 'ceil':
      return q + 1n;
    case 'half-even': {
      const twice = 2n * r;
      if (twice < d) return q;
      if (twice > d) return q + 1n;
      return q % 2n === 0n ? q : q + 1n;
    }
  }
}

/** Throws MONEY.INVALID_BASIS_POINTS unless `bp` is a non-negative safe integer; returns it as bigint. */
export function toBasisPoints(bp: number | bigint): bigint {
  if (typeof bp === 'bigint') {
    if (bp < 0n) throw new MoneyError('MONEY.INVALID_BASIS_POINTS', `basis points must be >= 0: ${bp}`);
    return bp;
  }
  if (!Number.isSafeInteger(bp) || bp < 0) {
    throw new MoneyError('MONEY.INVALID_BASIS_POINTS', `basis points must be a non-negative integer: ${bp}`);
  }
  return BigInt(bp);
}

/**
 * `basisPoints`/10000 of `amount`, rounded once on the minor unit. Default rounding is half to
 * even (see the file header); pass 'ceil' or 'floor' only where a bound must hold, and say why.
 */
export function percentOf(amount: Money, basisPoints: number | bigint, rounding: Rounding = 'half-even'): Money {
  const bp = toBasisPoints(basisPoints);
  return { amount: divRound(amount.amount * bp, BASIS_POINTS_PER_UNIT, rounding), currency: amount.currency };
}

/** Converts to the API shape; throws MONEY.UNSAFE_INTEGER if the amount is beyond 2^53 - 1. */
export function moneyToJson(m: Money): MoneyJson {
  const n = Number(m.amount);
  if (!Number.isSafeInteger(n) || BigInt(n) !== m.amount) {
    throw new MoneyError('MONEY.UNSAFE_INTEGER', `amount is not a safe integer: ${m.amount}`);
  }
  return { amount: n, currency: m.currency };
}

/** Parses the API shape, rejecting non-objects, non-integers, unsafe integers and bad currencies. */
export function moneyFromJson(value: unknown): Money {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MoneyError('MONEY.INVALID_AMOUNT', 'money must be an object { amount, currency }');
  }
  const { amount, currency } = value as Record<string, unknown>;
  if (typeof amount !== 'number' || !Number.isInteger(amount)) {
    throw new MoneyError('MONEY.INVALID_AMOUNT', `amount must be an integer of minor units: ${String(amount)}`);
  }
  if (!Number.isSafeInteger(amount)) {
    throw new MoneyError('MONEY.UNSAFE_INTEGER', `amount is not a safe integer: ${amount}`);
  }
  assertCurrency(currency);
  return { amount: BigInt(amount), currency };
}

/** A short human form such as "CAD 12.34" for logs and messages (not for parsing). */
export function formatMoney(m: Money, exponent: number = minorUnitExponent(m.currency) ?? 2): string {
  const neg = m.amount < 0n;
  const digits = (neg ? -m.amount : m.amount).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${m.currency} ${neg ? '-' : ''}${whole}`;
}
