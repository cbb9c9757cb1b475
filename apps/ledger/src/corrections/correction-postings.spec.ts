import { JournalTransaction, assertBalanced } from '@coop/money';
import { CorrectionRefused, chainState, chargeOf, correctionEntry, refundEntry } from './correction-postings';

const cad = (amount: bigint) => ({ amount, currency: 'CAD' });
/** A CAD 17.21 fare: 3.44 commission, 0.17 common fund, 13.60 to the driver. */
const fare: JournalTransaction = {
  id: 'trip:t1:completed',
  kind: 'trip.completed',
  postings: [
    { accountId: 'rider:r1:receivable', amount: cad(1721n) },
    { accountId: 'driver:d1:payable', amount: cad(-1360n) },
    { accountId: 'coop:commission', amount: cad(-344n) },
    { accountId: 'coop:common-fund', amount: cad(-17n) },
  ],
  metadata: { tripId: 't1', riderId: 'r1', driverId: 'd1' },
};
const req = (id: string) => ({ id, original: fare, reason: 'detour', requestedBy: 'treasurer-1' });
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof CorrectionRefused ? e.code : String(e);
  }
  return 'accepted';
};

describe('refund and correction entries', () => {
  it('a partial refund credits the rider and takes back from the co-op first and the driver last, in proportion', () => {
    const entry = refundEntry({ ...req('refund:a'), amount: 1000n }, chargeOf(fare), chainState([]));
    assertBalanced(entry);
    expect(entry).toMatchObject({ kind: 'refund', reverses: fare.id, metadata: { tripId: 't1', after: '', reason: 'detour' } });
    expect(entry.postings.map((p) => [p.accountId, p.amount.amount])).toEqual([
      ['rider:r1:receivable', -1000n],
      ['coop:commission', 200n],
      ['coop:common-fund', 10n],
      ['driver:d1:payable', 790n],
    ]);
    expect(entry.metadata.refund).toEqual({
      amount: { amount: 1000, currency: 'CAD' },
      charged: { amount: 1721, currency: 'CAD' },
      refundedBefore: { amount: 0, currency: 'CAD' },
      refundedAfter: { amount: 1000, currency: 'CAD' },
    });
  });

  it('the rest of the fare (no amount) follows the chain and completes every share exactly', () => {
    const state = chainState([{ id: 'refund:a', kind: 'refund', riderAmount: -1000n }]);
    const rest = refundEntry(req('refund:b'), chargeOf(fare), state);
    expect(rest.metadata.after).toBe('refund:a');
    expect(rest.postings.map((p) => p.amount.amount)).toEqual([-721n, 144n, 7n, 570n]);
  });

  it('refuses more than was charged, a refund after a correction, a correction after a refund, and entries that charge no rider', () => {
    expect(code(() => refundEntry({ ...req('x'), amount: 1722n }, chargeOf(fare), chainState([])))).toBe('REFUND_EXCEEDS_CHARGE');
    expect(code(() => refundEntry({ ...req('x'), amount: 722n }, chargeOf(fare), chainState([{ id: 'a', kind: 'refund', riderAmount: -1000n }])))).toBe('REFUND_EXCEEDS_CHARGE');
    expect(code(() => refundEntry({ ...req('x'), amount: 0n }, chargeOf(fare), chainState([])))).toBe('REFUND_EXCEEDS_CHARGE');
    expect(code(() => refundEntry(req('x'), chargeOf(fare), chainState([{ id: 'c', kind: 'reversal', riderAmount: -1721n }])))).toBe('REFUND_EXCEEDS_CHARGE');
    expect(code(() => correctionEntry(req('x'), chainState([{ id: 'a', kind: 'refund', riderAmount: -1n }])))).toBe('REFUND_EXCEEDS_CHARGE');
    const hold: JournalTransaction = { ...fare, id: 'trip:t1:hold', kind: 'payment.hold' };
    expect(code(() => chargeOf(hold))).toBe('NOT_REVERSIBLE');
  });

  it('a tip or a cancellation fee paid to the driver alone is refunded from the driver alone', () => {
    const tip: JournalTransaction = {
      id: 'trip:t1:tip',
      kind: 'trip.tip',
      postings: [
        { accountId: 'rider:r1:receivable', amount: cad(300n) },
        { accountId: 'driver:d1:tips-payable', amount: cad(-300n) },
      ],
      metadata: { tripId: 't1', riderId: 'r1', driverId: 'd1' },
    };
    const entry = refundEntry({ id: 'refund:t', original: tip, reason: 'x', requestedBy: 'tr', amount: 101n }, chargeOf(tip), chainState([]));
    expect(entry.postings.map((p) => [p.accountId, p.amount.amount])).toEqual([
      ['rider:r1:receivable', -101n],
      ['driver:d1:tips-payable', 101n],
    ]);
  });

  it('a correction negates every posted line and names the original', () => {
    const c = correctionEntry(req('correction:a'), chainState([]));
    assertBalanced(c);
    expect(c).toMatchObject({ kind: 'reversal', reverses: fare.id, metadata: { reversedKind: 'trip.completed', after: '', tripId: 't1' } });
    expect(c.postings.map((p) => p.amount.amount)).toEqual([-1721n, 1360n, 344n, 17n]);
  });
});
