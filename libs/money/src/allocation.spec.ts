import fc from 'fast-check';
import { MIN_CASH_BASIS_POINTS, allocateLargestRemainder, allocateMoney, allocatePatronage } from './allocation';
import { isMoneyError } from './errors';
import { money } from './money';

const cad = (n: number | bigint) => money(n, 'CAD');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isMoneyError(e)) return e.code;
    throw e;
  }
  return undefined;
}

const weightsArb = fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 40 }).filter((w) => w.some((x) => x > 0n));

describe('allocateLargestRemainder', () => {
  it('sums exactly and each part is the floor or ceiling of its exact share', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), weightsArb, (total, weights) => {
        const parts = allocateLargestRemainder(total, weights);
        const W = weights.reduce((a, b) => a + b, 0n);
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
        parts.forEach((p, i) => {
          const diff = p * W - total * weights[i]!; // (part - exact) * W
          expect(diff > -W && diff < W).toBe(true);
          expect(p >= 0n).toBe(true);
          if (weights[i] === 0n) expect(p).toBe(0n);
        });
      }),
    );
  });
  it('gives leftover units to the largest remainders (no smaller remainder beats a larger one)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 6n }), weightsArb, (total, weights) => {
        const parts = allocateLargestRemainder(total, weights);
        const W = weights.reduce((a, b) => a + b, 0n);
        const rem = weights.map((w) => (total * w) % W);
        const bumped = parts.map((p, i) => p > (total * weights[i]!) / W);
        for (let i = 0; i < parts.length; i++) {
          for (let j = 0; j < parts.length; j++) {
            if (bumped[i] && !bumped[j]) {
              expect(rem[i]! > rem[j]! || (rem[i] === rem[j] && i < j)).toBe(true);
            }
          }
        }
      }),
    );
  });
  it('breaks ties by lower index, or by key when keys are given', () => {
    expect(allocateLargestRemainder(2n, [1n, 1n, 1n])).toEqual([1n, 1n, 0n]);
    expect(allocateLargestRemainder(1n, [1n, 1n, 1n], { tieBreakKeys: ['c', 'a', 'b'] })).toEqual([0n, 1n, 0n]);
    expect(allocateLargestRemainder(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocateLargestRemainder(10n, [3n, 3n, 4n])).toEqual([3n, 3n, 4n]);
    expect(allocateLargestRemainder(0n, [0n, 0n])).toEqual([0n, 0n]);
  });
  it('is independent of input order when keys are given', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.uniqueArray(fc.record({ key: fc.string({ minLength: 1, maxLength: 6 }), w: fc.bigInt({ min: 1n, max: 1000n }) }), { minLength: 1, maxLength: 12, selector: (x) => x.key }), (total, items) => {
        const a = allocateLargestRemainder(total, items.map((x) => x.w), { tieBreakKeys: items.map((x) => x.key) });
        const rev = [...items].reverse();
        const b = allocateLargestRemainder(total, rev.map((x) => x.w), { tieBreakKeys: rev.map((x) => x.key) });
        expect(b).toEqual([...a].reverse());
      }),
    );
  });
  it.each<[bigint, bigint[]]>([
    [-1n, [1n]],
    [1n, []],
    [1n, [0n, 0n]],
    [1n, [1n, -1n]],
  ])('rejects total %p with weights %p', (total, weights) => {
    expect(codeOf(() => allocateLargestRemainder(total, weights))).toBe('ALLOCATION.INVALID_INPUT');
  });
  it('keeps the currency in allocateMoney', () => {
    expect(allocateMoney(cad(10), [1n, 2n])).toEqual([cad(3), cad(7)]);
  });
});

describe('allocatePatronage', () => {
  const membersArb = fc.uniqueArray(
    fc.record({ memberId: fc.stringMatching(/^m[0-9]{1,4}$/), patronage: fc.bigInt({ min: 0n, max: 10n ** 8n }) }),
    { minLength: 1, maxLength: 30, selector: (m) => m.memberId },
  ).filter((ms) => ms.some((m) => m.patronage > 0n));

  it('reserve + allocations = surplus, cash >= the stated share (>= 20%), cash + retained = allocation', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 11n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: MIN_CASH_BASIS_POINTS, max: 10_000 }),
        membersArb,
        (surplus, reserveBasisPoints, cashBasisPoints, members) => {
          const r = allocatePatronage({ surplus: cad(surplus), reserveBasisPoints, cashBasisPoints, members });
          expect(r.reserve.amount + r.members.reduce((t, m) => t + m.allocation.amount, 0n)).toBe(surplus);
          expect(r.allocated.amount + r.reserve.amount).toBe(surplus);
          for (const m of r.members) {
            expect(m.cash.amount + m.retained.amount).toBe(m.allocation.amount);
            expect(m.retained.amount >= 0n).toBe(true);
            expect(m.cash.amount * 10_000n >= m.allocation.amount * BigInt(cashBasisPoints)).toBe(true);
            expect(m.cash.amount * 10_000n >= m.allocation.amount * 2000n).toBe(true);
            // ceiling: less than one unit above the stated share
            expect((m.cash.amount - 1n) * 10_000n < m.allocation.amount * BigInt(cashBasisPoints)).toBe(true);
          }
          expect(r.members.map((m) => m.memberId)).toEqual(members.map((m) => m.memberId));
        },
      ),
    );
  });
  it('worked example: 10% reserve, 20% cash', () => {
    const r = allocatePatronage({
      surplus: cad(100_001),
      reserveBasisPoints: 1000,
      cashBasisPoints: 2000,
      members: [
        { memberId: 'b', patronage: 1n },
        { memberId: 'a', patronage: 1n },
        { memberId: 'c', patronage: 1n },
      ],
    });
    expect(r.reserve).toEqual(cad(10_000)); // 10000.1 -> 10000
    expect(r.members.map((m) => m.allocation.amount)).toEqual([30_000n, 30_001n, 30_000n]); // tie goes to "a"
    expect(r.members.map((m) => m.cash.amount)).toEqual([6000n, 6001n, 6000n]); // 6000.2 -> 6001 (ceiling)
  });
  it.each([
    [{ cashBasisPoints: 1999 }],
    [{ cashBasisPoints: 10_001 }],
    [{ reserveBasisPoints: 10_001 }],
    [{ surplus: cad(-1) }],
    [{ members: [{ memberId: 'a', patronage: 1n }, { memberId: 'a', patronage: 2n }] }],
    [{ members: [] }],
  ])('rejects %p', (change) => {
    const base = { surplus: cad(1000), reserveBasisPoints: 0, cashBasisPoints: 2000, members: [{ memberId: 'a', patronage: 1n }] };
    expect(codeOf(() => allocatePatronage({ ...base, ...change }))).toMatch(/^(ALLOCATION\.INVALID_INPUT|MONEY\.INVALID_BASIS_POINTS)$/);
  });
});
