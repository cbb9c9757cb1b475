import fc from 'fast-check';
import { allocatePatronage } from './allocation';
import { postDividend } from './dividends';

describe('the dividend entry', () => {
  it('balances, takes the whole surplus off commission, and credits reserve, cash and capital exactly as allocated', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 2000, max: 10_000 }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 6n }), { minLength: 1, maxLength: 8 }),
        (surplus, reserveBp, cashBp, patronage) => {
          const allocation = allocatePatronage({
            surplus: { amount: surplus, currency: 'CAD' },
            reserveBasisPoints: reserveBp,
            cashBasisPoints: cashBp,
            members: patronage.map((p, i) => ({ memberId: `m${i}`, patronage: p })),
          });
          const tx = postDividend({ id: 'dividend:2026', year: 2026, allocation, policyHash: 'h' });
          if (surplus === 0n) return expect(tx).toBeNull();
          const on = (account: string) => tx!.postings.filter((p) => p.accountId === account).reduce((s, p) => s + p.amount.amount, 0n);
          expect(on('coop:commission')).toBe(surplus);
          expect(on('coop:reserve')).toBe(-allocation.reserve.amount);
          allocation.members.forEach((m) => {
            expect(on(`member:${m.memberId}:dividend-payable`)).toBe(-m.cash.amount);
            expect(on(`member:${m.memberId}:capital`)).toBe(-m.retained.amount);
          });
          expect(tx!.postings.reduce((s, p) => s + p.amount.amount, 0n)).toBe(0n);
        },
      ),
      { numRuns: 200 },
    );
  });
});
