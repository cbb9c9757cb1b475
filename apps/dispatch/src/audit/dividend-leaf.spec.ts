import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { allocatePatronage } from '@coop/money';
import { dividendLeaf, dividendPseudonym, dividendPseudonymKey, dividendRecomputationFailures } from './dividend-leaf';

/** A stored allocation as apps/payouts makes it, from the real allocation function. */
function stored(surplus: number, reserveBasisPoints: number, cashBasisPoints: number, members: Array<{ memberId: string; patronage: number }>) {
  const r = allocatePatronage({
    surplus: { amount: BigInt(surplus), currency: 'CAD' }, reserveBasisPoints, cashBasisPoints,
    members: members.map((m) => ({ memberId: m.memberId, patronage: BigInt(m.patronage) })),
  });
  return {
    year: 2026, from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', currency: 'CAD', basis: 'fare_revenue',
    policyVersion: 1, policyHash: 'ab'.repeat(32), revenue: surplus + 500, expenses: 500, surplus, reserveBasisPoints, cashBasisPoints,
    reserve: Number(r.reserve.amount), allocated: Number(r.allocated.amount), rule: 'test',
    members: r.members.map((m) => ({ memberId: m.memberId, patronage: Number(m.patronage), allocation: Number(m.allocation.amount), cash: Number(m.cash.amount), retained: Number(m.retained.amount) })),
  };
}

const members = fc.uniqueArray(fc.record({ memberId: fc.uuid(), patronage: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 12, selector: (m) => m.memberId });
const key = dividendPseudonymKey(randomBytes(32));

describe('dividend allocation leaf', () => {
  it('recomputes exactly from its pseudonymized inputs, ties included (list order stands in for member ids)', () => {
    // Small patronage values make equal remainders, where the tie-break decides.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 2000, max: 10_000 }), members, (surplus, reserveBp, cashBp, ms) => {
        const leaf = dividendLeaf(stored(surplus, reserveBp, cashBp, ms), 'dividend:2026', (id) => dividendPseudonym(key, id));
        expect(dividendRecomputationFailures(leaf.record)).toEqual([]);
        expect(JSON.stringify(leaf)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no member id in the leaf
      }),
    );
  });

  it('finds a unit moved from one member to another, and a surplus that does not follow from its inputs', () => {
    const s = stored(1001, 3000, 2000, [{ memberId: 'a', patronage: 1 }, { memberId: 'b', patronage: 1 }]);
    const leaf = dividendLeaf(s, null, (id) => dividendPseudonym(key, id));
    const [first, second] = leaf.record.members;
    const moved = { ...leaf.record, members: [{ ...first!, allocation: first!.allocation + 1, retained: first!.retained + 1 }, { ...second!, allocation: second!.allocation - 1, retained: second!.retained - 1 }] };
    expect(dividendRecomputationFailures(moved)).toEqual([
      expect.stringMatching(/^member 0 .* allocation: recomputed/), expect.stringMatching(/^member 0 .* retained/),
      expect.stringMatching(/^member 1 .* allocation/), expect.stringMatching(/^member 1 .* retained/),
    ]);
    expect(dividendRecomputationFailures({ ...leaf.record, expenses: leaf.record.expenses + 1 })[0]).toMatch(/^surplus/);
  });

  it('pseudonyms are stable per key and differ across keys', () => {
    expect(dividendPseudonym(key, 'm1')).toBe(dividendPseudonym(key, 'm1'));
    expect(dividendPseudonym(key, 'm1')).not.toBe(dividendPseudonym(dividendPseudonymKey(randomBytes(32)), 'm1'));
    expect(dividendPseudonym(key, 'm1')).toMatch(/^d-[A-Za-z0-9_-]{20}$/);
  });
});
