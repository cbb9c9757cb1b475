import fixture from './card-payment-lifecycle.json';
import { checkTip, finalFare, quoteFare } from '../src/fares';
import type { FareRequest } from '../src/fares';
import type { JournalTransaction } from '../src/journal';
import { checkIdempotency } from '../src/journal';
import { hold, postPending, postRefund, postTip, postTripCompleted, voidPending } from '../src/posting-rules';
import { balancesJson, m, policyFrom } from './scenario-helpers';

describe('scenario card-payment-lifecycle (see description in the fixture)', () => {
  const policy = policyFrom();
  const { riderId, driverId, policyHash } = fixture;
  const quote = quoteFare(policy, fixture.fare.request as FareRequest);
  const fare = finalFare(policy, quote, fixture.fare.measured, { routeChanged: false });

  const h1 = hold({ id: 'trip:t1:hold', tripId: 't1', riderId, amount: m(fixture.holdAmount) });
  const h2 = hold({ id: 'trip:t2:hold', tripId: 't2', riderId, amount: m(fixture.voidedHoldAmount) });
  const completed = postTripCompleted({ id: 'trip:t1:completed', tripId: 't1', riderId, driverId, fare, policy, policyHash });
  const capture = postPending(h1, 'trip:t1:capture', fare.total);
  const tip = postTip({
    id: 'trip:t1:tip',
    tripId: 't1',
    riderId,
    driverId,
    tip: checkTip(policy, { fareTotal: fare.total, tip: m(fixture.tip), secondsSinceCompletion: 600 }),
  });
  const refund = postRefund({ id: 'trip:t1:refund-1', original: completed, riderId, amount: m(fixture.refund), reason: 'late pickup' });
  const voided = voidPending(h2, 'trip:t2:void', 'cancelled within grace');
  const journal: JournalTransaction[] = [h1, h2, completed, capture, tip, refund, voided];

  it('holds the quote cap without moving posted balances', () => {
    expect(fare.cap).toEqual(m(fixture.holdAmount));
    expect(balancesJson([h1, h2])).toEqual(fixture.expectedAfterHolds);
  });
  it('ends with every hold resolved and the expected balances', () => {
    expect(balancesJson(journal)).toEqual(fixture.expectedFinal);
  });
  it('the trial balance is zero', () => {
    expect(fixture.expectedFinal.reduce((s, b) => s + b.posted, 0)).toBe(0);
  });
  it('replays are duplicates, not new entries', () => {
    const replay = [
      hold({ id: 'trip:t1:hold', tripId: 't1', riderId, amount: m(fixture.holdAmount) }),
      postPending(h1, 'trip:t1:capture', fare.total),
      postTripCompleted({ id: 'trip:t1:completed', tripId: 't1', riderId, driverId, fare, policy, policyHash }),
    ];
    for (const tx of replay) expect(checkIdempotency(journal.find((j) => j.id === tx.id), tx)).toBe('duplicate');
  });
  it('the capture and the void point to their holds, the refund to the trip', () => {
    expect(capture.pendingId).toBe(h1.id);
    expect(voided.pendingId).toBe(h2.id);
    expect(refund.reverses).toBe(completed.id);
  });
});
