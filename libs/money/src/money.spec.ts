import fc from 'fast-check';
import {
  add,
  compare,
  divRound,
  formatMoney,
  money,
  moneyFromJson,
  moneyToJson,
  negate,
  percentOf,
  sub,
} from './money';
import { isMoneyError } from './errors';
import { isCurrencyCode, minorUnitExponent } from './currency';

const cad = (n: bigint | number) => money(n, 'CAD');
const bigAmount = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(isMoneyError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('currency', () => {
  it('accepts active ISO 4217 codes and knows their minor unit', () => {
    expect(isCurrencyCode('CAD')).toBe(true);
    expect(minorUnitExponent('CAD')).toBe(2);
    expect(minorUnitExponent('JPY')).toBe(0);
    expect(minorUnitExponent('KWD')).toBe(3);
  });
  it.each(['cad', 'XXX', 'XAU', 'ABC', '', 'CADX', 42])('rejects %p', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
    expectCode(() => money(1n, code as string), 'MONEY.INVALID_CURRENCY');
  });
});

describe('arithmetic', () => {
  it('add/sub/negate are exact inverses', () => {
    fc.assert(
      fc.property(bigAmount, bigAmount, (a, b) => {
        expect(sub(add(cad(a), cad(b)), cad(b))).toEqual(cad(a));
        expect(add(cad(a), negate(cad(a))).amount).toBe(0n);
        expect(compare(cad(a), cad(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
  it('refuses to mix currencies', () => {
    expectCode(() => add(cad(1), money(1, 'USD')), 'MONEY.CURRENCY_MISMATCH');
    expectCode(() => compare(cad(1), money(1, 'EUR')), 'MONEY.CURRENCY_MISMATCH');
  });
  it('rejects non-integer numbers', () => {
    expectCode(() => money(1.5, 'CAD'), 'MONEY.INVALID_AMOUNT');
    expectCode(() => money(2 ** 53, 'CAD'), 'MONEY.INVALID_AMOUNT');
  });
});

describe('rounding rule: half to even on the minor unit', () => {
  it.each([
    [5n, 2n, 2n], // 2.5 -> 2
    [7n, 2n, 4n], // 3.5 -> 4
    [-5n, 2n, -2n], // -2.5 -> -2
    [-7n, 2n, -4n],
    [11n, 4n, 3n], // 2.75 -> 3
    [9n, 4n, 2n], // 2.25 -> 2
    [-9n, 4n, -2n],
    [10n, 5n, 2n],
  ])('divRound(%p, %p) = %p', (n, d, q) => {
    expect(divRound(n, d)).toBe(q);
  });
  it('is within half a unit of the exact value, ties go to the even neighbour', () => {
    fc.assert(
      fc.property(bigAmount, fc.bigInt({ min: 1n, max: 10n ** 6n }), (n, d) => {
        const q = divRound(n, d);
        const err = 2n * (q * d - n); // 2 * (q - n/d) * d
        expect(err <= d && err >= -d).toBe(true);
        if (err === d || err === -d) expect(q % 2n).toBe(0n);
      }),
    );
  });
  it('ceil and floor bracket the exact value', () => {
    fc.assert(
      fc.property(bigAmount, fc.bigInt({ min: 1n, max: 10n ** 6n }), (n, d) => {
        const c = divRound(n, d, 'ceil');
        const f = divRound(n, d, 'floor');
        expect(f * d <= n && n <= c * d).toBe(true);
        expect(c - f).toBe(n % d === 0n ? 0n : 1n);
      }),
    );
  });
  it('percentOf rounds the exact share half to even', () => {
    expect(percentOf(cad(1005), 1000).amount).toBe(100n); // 100.5 -> 100
    expect(percentOf(cad(1015), 1000).amount).toBe(102n); // 101.5 -> 102
    expect(percentOf(cad(333), 3333).amount).toBe(111n); // 110.9889 -> 111
    expect(percentOf(cad(1005), 1000, 'ceil').amount).toBe(101n);
    expectCode(() => percentOf(cad(1), -1), 'MONEY.INVALID_BASIS_POINTS');
    expectCode(() => percentOf(cad(1), 1.5), 'MONEY.INVALID_BASIS_POINTS');
  });
});

describe('JSON', () => {
  it('round-trips every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(moneyFromJson(moneyToJson(cad(n)))).toEqual(cad(n));
        expect(moneyToJson(cad(n))).toEqual({ amount: n, currency: 'CAD' });
      }),
    );
  });
  it('refuses amounts beyond 2^53 - 1 in both directions', () => {
    expectCode(() => moneyToJson(cad(2n ** 53n)), 'MONEY.UNSAFE_INTEGER');
    expectCode(() => moneyFromJson({ amount: 2 ** 53, currency: 'CAD' }), 'MONEY.UNSAFE_INTEGER');
  });
  it.each([
    [{ amount: 1.5, currency: 'CAD' }, 'MONEY.INVALID_AMOUNT'],
    [{ amount: '100', currency: 'CAD' }, 'MONEY.INVALID_AMOUNT'],
    [{ amount: Number.NaN, currency: 'CAD' }, 'MONEY.INVALID_AMOUNT'],
    [{ amount: 1, currency: 'cad' }, 'MONEY.INVALID_CURRENCY'],
    [{ amount: 1 }, 'MONEY.INVALID_CURRENCY'],
    [null, 'MONEY.INVALID_AMOUNT'],
    [[1, 'CAD'], 'MONEY.INVALID_AMOUNT'],
  ])('rejects %p', (value, code) => {
    expectCode(() => moneyFromJson(value), code);
  });
  it('formats for humans with the currency exponent', () => {
    expect(formatMoney(cad(-1234))).toBe('CAD -12.34');
    expect(formatMoney(cad(5))).toBe('CAD 0.05');
    expect(formatMoney(money(500, 'JPY'))).toBe('JPY 500');
  });
});
