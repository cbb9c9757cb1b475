import { canonicalBytes } from '@coop/canonical-json';
import { allocatePatronage } from '@coop/money';
import { hashLeaf } from '@coop/transparency-log';
import { LEAF_SCHEMA } from '../../apps/dispatch/src/audit/log-leaf';
import { checkLeaf } from './leaf-checks';

const served = (leaf: unknown) => ({ index: 7, leaf, leafHash: Buffer.from(hashLeaf(canonicalBytes(leaf))).toString('base64') });

describe('verify-log on a dividend allocation leaf', () => {
  const r = allocatePatronage({
    surplus: { amount: 10_000n, currency: 'CAD' }, reserveBasisPoints: 3000, cashBasisPoints: 2000,
    members: [{ memberId: '1', patronage: 3n }, { memberId: '2', patronage: 3n }, { memberId: '3', patronage: 1n }],
  });
  const record = {
    year: 2026, from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', currency: 'CAD', basis: 'trips', policyVersion: 1, policyHash: 'x',
    revenue: 12_000, expenses: 2_000, surplus: 10_000, reserveBasisPoints: 3000, cashBasisPoints: 2000,
    reserve: Number(r.reserve.amount), allocated: Number(r.allocated.amount), rule: 'r', transactionId: 'dividend:2026',
    members: r.members.map((m, i) => ({ member: `d-${i}`, patronage: Number(m.patronage), allocation: Number(m.allocation.amount), cash: Number(m.cash.amount), retained: Number(m.retained.amount) })),
  };
  const leaf = { schema: LEAF_SCHEMA, kind: 'dividend_allocation', record };

  it('recomputes the allocation and passes it', () => {
    expect(checkLeaf(served(leaf))).toMatchObject({ failures: [], dividend: { year: 2026 } });
  });

  it('fails a leaf whose reserve does not follow from the policy shares', () => {
    const forged = { ...leaf, record: { ...record, reserve: record.reserve - 1, allocated: record.allocated + 1 } };
    expect(checkLeaf(served(forged)).failures).toEqual([
      expect.stringMatching(/^dividend allocation: reserve/),
      expect.stringMatching(/^dividend allocation: allocated/),
    ]);
  });
});
