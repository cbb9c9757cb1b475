import fc from 'fast-check';
import { cumulativeParts, refundParts } from './refund-split';

const sharesArb = fc.array(fc.bigInt({ min: 0n, max: 10n ** 7n }), { minLength: 1, maxLength: 5 }).filter((s) => s.some((x) => x > 0n));
const sum = (xs: readonly bigint[]) => xs.reduce((s, x) => s + x, 0n);

/** Splits `total` into `cuts.length + 1` consecutive refunds at the given fractions. */
function refundsOf(total: bigint, cuts: number[]): bigint[] {
  const points = [...new Set(cuts.map((c) => (total * BigInt(Math.floor(c * 1e6))) / 1_000_000n))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const amounts: bigint[] = [];
  let last = 0n;
  for (const p of [...points, total]) {
    if (p > last) amounts.push(p - last);
    last = p > last ? p : last;
  }
  return amounts;
}

describe('refund split', () => {
  it('the whole refund gives each share back exactly', () => {
    fc.assert(fc.property(sharesArb, (shares) => expect(cumulativeParts(shares, sum(shares))).toEqual(shares)));
  });

  it('one refund: parts sum to the amount, none negative, none above its share', () => {
    fc.assert(
      fc.property(sharesArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (shares, a, b) => {
        const total = sum(shares);
        const before = (total * BigInt(Math.floor(Math.min(a, b) * 1e6))) / 1_000_000n;
        const amount = (total * BigInt(Math.floor(Math.max(a, b) * 1e6))) / 1_000_000n - before;
        const parts = refundParts(shares, before, amount);
        expect(sum(parts)).toBe(amount);
        parts.forEach((p, i) => {
          expect(p >= 0n).toBe(true);
          expect(p <= shares[i]!).toBe(true);
        });
      }),
    );
  });

  it('any sequence of partial refunds never takes more from a share than it had, and all of them give back exactly the shares', () => {
    fc.assert(
      fc.property(sharesArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), (shares, cuts) => {
        const total = sum(shares);
        const taken = shares.map(() => 0n);
        let before = 0n;
        for (const amount of refundsOf(total, cuts)) {
          const parts = refundParts(shares, before, amount);
          expect(sum(parts)).toBe(amount);
          parts.forEach((p, i) => {
            expect(p >= 0n).toBe(true);
            taken[i]! += p;
            expect(taken[i]! <= shares[i]!).toBe(true);
          });
          before += amount;
        }
        expect(taken).toEqual(shares);
      }),
    );
  });

  it('each part is its share of the refund, rounded half to even, within one minor unit per share before it', () => {
    fc.assert(
      fc.property(sharesArb, fc.double({ min: 0, max: 1, noNaN: true }), (shares, f) => {
        const total = sum(shares);
        const refunded = (total * BigInt(Math.floor(f * 1e6))) / 1_000_000n;
        const parts = cumulativeParts(shares, refunded);
        parts.forEach((p, i) => {
          // exact share = refunded * share / total; the chain's rounding drifts by at most i + 1 units.
          const diff = p * total - refunded * shares[i]!;
          expect((diff < 0n ? -diff : diff) <= BigInt(i + 1) * total).toBe(true);
        });
      }),
    );
  });

  it('worked example: a 17.21 fare split 3.44 commission, 0.17 fund, 13.60 driver, refunded 10.00 then 7.21', () => {
    const shares = [344n, 17n, 1360n];
    expect(refundParts(shares, 0n, 1000n)).toEqual([200n, 10n, 790n]); // 1000*344/1721 = 199.88 -> 200; 800*17/1377 = 9.88 -> 10
    expect(refundParts(shares, 1000n, 721n)).toEqual([144n, 7n, 570n]);
    expect(() => cumulativeParts(shares, 1722n)).toThrow(RangeError);
  });
});
