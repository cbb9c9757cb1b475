import fc from 'fast-check';
import { accountId, normalBalance, parseAccountId } from './accounts';
import type { AccountRef } from './accounts';
import { isMoneyError } from './errors';
import { defaultFarePolicy } from './fare-policy';
import type { FarePolicy } from './fare-policy';
import { cancellationFee, finalFare, quoteFare } from './fares';
import type { JournalTransaction } from './journal';
import { assertAccountCurrencies, assertBalanced, balances, checkIdempotency, reverse, sameContent, transactionFromJson, transactionToJson } from './journal';
import { money } from './money';
import { hold, postPending, postRefund, postTip, postTripCancelled, postTripCompleted, voidPending } from './posting-rules';

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

const memberId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/);
const policyArb = fc
  .record({ c: fc.integer({ min: 0, max: 10_000 }), f: fc.integer({ min: 0, max: 10_000 }), cancelCommission: fc.boolean() })
  .map(({ c, f, cancelCommission }): FarePolicy => ({
    ...defaultFarePolicy,
    commissionBasisPoints: c,
    commonFundBasisPoints: Math.min(f, 10_000 - c),
    cancellation: { graceSeconds: 120, commissionApplies: cancelCommission },
  }));

/** Every builder, driven by random inputs, as a list of transactions. */
const scenarioArb = fc
  .record({
    policy: policyArb,
    rider: memberId,
    driver: memberId,
    distanceMeters: fc.integer({ min: 0, max: 200_000 }),
    durationSeconds: fc.integer({ min: 0, max: 20_000 }),
    measuredMeters: fc.integer({ min: 0, max: 300_000 }),
    routeChanged: fc.boolean(),
    tip: fc.bigInt({ min: 1n, max: 10_000n }),
    refundShare: fc.integer({ min: 1, max: 100 }),
    captureShare: fc.integer({ min: 1, max: 100 }),
  })
  .map((s) => {
    const quote = quoteFare(s.policy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: s.distanceMeters, durationSeconds: s.durationSeconds, localHour: 8 });
    const fare = finalFare(s.policy, quote, { distanceMeters: s.measuredMeters, durationSeconds: s.durationSeconds }, { routeChanged: s.routeChanged });
    const completed = postTripCompleted({ id: 'trip-1:completed', tripId: 'trip-1', riderId: s.rider, driverId: s.driver, fare, policy: s.policy, policyHash: 'h' });
    const charge = cancellationFee(s.policy, { jobKind: 'ride', vehicleKind: 'car', cancelledBy: 'rider', secondsSinceMatched: 300 });
    const cancelled = postTripCancelled({ id: 'trip-2:cancelled', tripId: 'trip-2', riderId: s.rider, driverId: s.driver, charge, policy: s.policy, policyHash: 'h' })!;
    const tip = postTip({ id: 'trip-1:tip', tripId: 'trip-1', riderId: s.rider, driverId: s.driver, tip: cad(s.tip) });
    const refundAmount = (fare.total.amount * BigInt(s.refundShare)) / 100n || 1n;
    const refund = postRefund({ id: 'trip-1:refund', original: completed, riderId: s.rider, amount: cad(refundAmount), reason: 'late' });
    const h = hold({ id: 'trip-1:hold', tripId: 'trip-1', riderId: s.rider, amount: cap(fare.total.amount) });
    const capture = postPending(h, 'trip-1:capture', cad((h.postings[0]!.amount.amount * BigInt(s.captureShare)) / 100n || 1n));
    const h2 = hold({ id: 'trip-3:hold', tripId: 'trip-3', riderId: s.rider, amount: cad(1234) });
    const voided = voidPending(h2, 'trip-3:void', 'rider cancelled');
    return { ...s, fare, completed, cancelled, tip, refund, hold: h, capture, hold2: h2, voided };
  });

function cap(n: bigint) {
  return cad(n + n / 5n);
}

describe('account naming', () => {
  const refs: AccountRef[] = [
    { kind: 'rider-receivable', memberId: 'r-1' },
    { kind: 'driver-payable', memberId: 'd.2' },
    { kind: 'driver-tips-payable', memberId: 'D_3' },
    { kind: 'payment-clearing' },
    { kind: 'payout-clearing' },
    { kind: 'coop-commission' },
    { kind: 'coop-common-fund' },
    { kind: 'coop-refunds' },
  ];
  it.each(refs)('round-trips %p', (ref) => {
    expect(parseAccountId(accountId(ref))).toEqual(ref);
    expect(['debit', 'credit']).toContain(normalBalance(ref));
  });
  it('reads as documented', () => {
    expect(accountId({ kind: 'driver-payable', memberId: 'abc' })).toBe('driver:abc:payable');
    expect(accountId({ kind: 'rider-receivable', memberId: 'abc' })).toBe('rider:abc:receivable');
  });
  it.each(['driver:a:b:payable', 'driver::payable', 'coop:bank', 'rider:x:payable', ''])('rejects %p', (id) => {
    expect(codeOf(() => parseAccountId(id))).toBe('LEDGER.INVALID_ACCOUNT');
  });
  it('rejects member ids that would break the scheme', () => {
    expect(codeOf(() => accountId({ kind: 'driver-payable', memberId: 'a:b' }))).toBe('LEDGER.INVALID_ACCOUNT');
  });
});

describe('posting rules (properties)', () => {
  it('every builder balances per currency and layer, and the trip split sums to the fare', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const all: JournalTransaction[] = [s.completed, s.cancelled, s.tip, s.refund, s.hold, s.capture, s.hold2, s.voided];
        for (const tx of all) {
          expect(() => assertBalanced(tx)).not.toThrow();
          expect(transactionFromJson(JSON.parse(JSON.stringify(transactionToJson(tx))))).toEqual(tx);
        }
        // the whole journal balances: the trial balance sums to zero per currency and layer
        const b = balances(all);
        expect(b.reduce((t, x) => t + x.posted, 0n)).toBe(0n);
        expect(b.reduce((t, x) => t + x.pending, 0n)).toBe(0n);
        // holds resolved: nothing left pending on any account
        for (const x of b) expect(x.pending).toBe(0n);
        // the rider is charged the final fare; the credits are the split
        const receivable = `rider:${s.rider}:receivable`;
        expect(s.completed.postings.find((p) => p.accountId === receivable)!.amount).toEqual(s.fare.total);
        for (const p of s.completed.postings) if (p.accountId !== receivable) expect(p.amount.amount < 0n).toBe(true);
      }),
    );
  });
  it('reverse(tx) + tx nets to zero on every account', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const tx of [s.completed, s.cancelled, s.tip, s.refund, s.capture]) {
          const r = reverse(tx, `${tx.id}:reversal`, 'correction');
          expect(r.reverses).toBe(tx.id);
          const posted = balances([tx, r]);
          for (const x of posted) expect(x.posted).toBe(0n);
        }
      }),
    );
  });
  it('idempotency: same id and content is a duplicate, different content a conflict', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const again = structuredClone(s.completed);
        expect(sameContent(s.completed, again)).toBe(true);
        expect(checkIdempotency(undefined, s.completed)).toBe('new');
        expect(checkIdempotency(s.completed, again)).toBe('duplicate');
        const other = { ...again, postings: [...again.postings].reverse() };
        expect(sameContent(s.completed, other)).toBe(s.completed.postings.length < 2);
        expect(codeOf(() => checkIdempotency(s.completed, { ...again, metadata: { ...again.metadata, tripId: 'x' } }))).toBe('LEDGER.IDEMPOTENCY_CONFLICT');
      }),
    );
  });
});

describe('journal rules', () => {
  const ok: JournalTransaction = {
    id: 't1',
    kind: 'trip.tip',
    postings: [
      { accountId: 'rider:r:receivable', amount: cad(100) },
      { accountId: 'driver:d:tips-payable', amount: cad(-100) },
    ],
    metadata: {},
  };
  it('accepts a balanced transaction', () => {
    expect(() => assertBalanced(ok)).not.toThrow();
  });
  it.each<[string, Partial<JournalTransaction>, string]>([
    ['unbalanced', { postings: [ok.postings[0]!, { accountId: 'driver:d:tips-payable', amount: cad(-99) }] }, 'LEDGER.UNBALANCED'],
    ['balanced across currencies only', { postings: [ok.postings[0]!, { accountId: 'driver:d:tips-payable', amount: money(-100, 'USD') }] }, 'LEDGER.UNBALANCED'],
    ['one posting', { postings: [ok.postings[0]!] }, 'LEDGER.TOO_FEW_POSTINGS'],
    ['zero posting', { postings: [...ok.postings, { accountId: 'coop:commission', amount: cad(0) }] }, 'LEDGER.INVALID_TRANSACTION'],
    ['unknown account', { postings: [ok.postings[0]!, { accountId: 'bank:x', amount: cad(-100) }] }, 'LEDGER.INVALID_ACCOUNT'],
    ['bad id', { id: 'has space' }, 'LEDGER.INVALID_TRANSACTION'],
    ['bad kind', { kind: 'gift' as 'refund' }, 'LEDGER.INVALID_TRANSACTION'],
    ['pending leg balancing a posted leg', { postings: [ok.postings[0]!, { ...ok.postings[1]!, pending: true }] }, 'LEDGER.UNBALANCED'],
    [
      'an account in two currencies',
      {
        postings: [
          { accountId: 'coop:commission', amount: cad(1) },
          { accountId: 'coop:commission', amount: money(1, 'USD') },
          { accountId: 'coop:refunds', amount: cad(-1) },
          { accountId: 'coop:refunds', amount: money(-1, 'USD') },
        ],
      },
      'LEDGER.ACCOUNT_CURRENCY_MISMATCH',
    ],
  ])('rejects %s', (_name, change, code) => {
    expect(codeOf(() => assertBalanced({ ...ok, ...change }))).toBe(code);
  });
  it('checks postings against the currency fixed per account', () => {
    expect(codeOf(() => assertAccountCurrencies(ok, () => 'USD'))).toBe('LEDGER.ACCOUNT_CURRENCY_MISMATCH');
    expect(() => assertAccountCurrencies(ok, (id) => (id.startsWith('rider') ? 'CAD' : undefined))).not.toThrow();
  });
  it('rejects malformed JSON transactions', () => {
    const json = transactionToJson(ok);
    expect(codeOf(() => transactionFromJson({ ...json, postings: [{ ...json.postings[0], amount: { amount: 1.5, currency: 'CAD' } }, json.postings[1]] }))).toBe('MONEY.INVALID_AMOUNT');
    expect(codeOf(() => transactionFromJson({ ...json, metadata: [] }))).toBe('LEDGER.INVALID_TRANSACTION');
  });
});

describe('two-phase and refunds', () => {
  const h = hold({ id: 'h1', tripId: 't', riderId: 'r', amount: cad(2400) });
  it('a hold moves only pending balances', () => {
    expect(balances([h]).map((b) => b.posted)).toEqual([0n, 0n]);
  });
  it('captures at most the held amount, and never zero', () => {
    expect(codeOf(() => postPending(h, 'c1', cad(2401)))).toBe('LEDGER.INVALID_PENDING');
    expect(codeOf(() => postPending(h, 'c1', cad(0)))).toBe('LEDGER.INVALID_PENDING');
    expect(codeOf(() => postPending(h, 'c1', money(100, 'USD')))).toBe('LEDGER.INVALID_PENDING');
    const c = postPending(h, 'c1');
    expect(c.pendingId).toBe('h1');
    expect(balances([h, c])).toEqual([
      { accountId: 'payments:clearing', currency: 'CAD', posted: 2400n, pending: 0n },
      { accountId: 'rider:r:receivable', currency: 'CAD', posted: -2400n, pending: 0n },
    ]);
  });
  it('only resolves holds, and holds are voided rather than reversed', () => {
    const tip = postTip({ id: 'x', tripId: 't', riderId: 'r', driverId: 'd', tip: cad(1) });
    expect(codeOf(() => postPending(tip, 'c'))).toBe('LEDGER.INVALID_PENDING');
    expect(codeOf(() => voidPending(tip, 'c'))).toBe('LEDGER.INVALID_PENDING');
    expect(codeOf(() => reverse(h, 'r'))).toBe('LEDGER.INVALID_PENDING');
  });
  it('a refund cannot exceed what the rider was charged', () => {
    const tip = postTip({ id: 'x', tripId: 't', riderId: 'r', driverId: 'd', tip: cad(100) });
    expect(codeOf(() => postRefund({ id: 'y', original: tip, riderId: 'r', amount: cad(101), reason: 'x' }))).toBe('LEDGER.INVALID_TRANSACTION');
  });
  it('no fee, no cancellation entry', () => {
    const charge = cancellationFee(defaultFarePolicy, { jobKind: 'ride', vehicleKind: 'car', cancelledBy: 'rider', secondsSinceMatched: 10 });
    expect(postTripCancelled({ id: 'x', tripId: 't', riderId: 'r', driverId: 'd', charge, policy: defaultFarePolicy, policyHash: 'h' })).toBeNull();
  });
});
