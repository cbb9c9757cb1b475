import fc from 'fast-check';
import { defaultFarePolicy, finalFare, moneyToJson, moneyTreeToJson, parseFarePolicy, quoteFare, splitFare } from '@coop/money';
import { cancelledEntry, completedEntry } from './trip-event-postings';
import { tripCancelledEventSchema, tripCompletedEventSchema } from './trip-event.schemas';

const HASH = 'a'.repeat(64);
const TRIP = '11111111-1111-4111-8111-111111111111';
const RIDER = '22222222-2222-4222-8222-222222222222';
const DRIVER = '33333333-3333-4333-8333-333333333333';

function completed(measured: { distanceMeters: number; durationSeconds: number }, policy = defaultFarePolicy) {
  const quote = quoteFare(policy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: 3000, durationSeconds: 600, localHour: 9 });
  const fare = finalFare(policy, quote, measured, { routeChanged: false });
  const split = splitFare(policy, fare.total);
  return tripCompletedEventSchema.parse({
    outboxId: '7',
    tripId: TRIP,
    riderId: RIDER,
    driverId: DRIVER,
    policyHash: HASH,
    fare: moneyToJson(fare.total),
    split: { commission: moneyToJson(split.commission), commonFund: moneyToJson(split.commonFund), driver: moneyToJson(split.driver) },
    breakdown: moneyTreeToJson(fare),
    completedAt: '2026-11-23T10:00:00.000Z',
  });
}

describe('completedEntry', () => {
  it('debits the rider the fare and credits driver, commission and fund with parts that sum to it', () => {
    const policy = parseFarePolicy({ ...structuredClone(defaultFarePolicy), commonFundBasisPoints: 150 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 7200 }), (distanceMeters, durationSeconds) => {
        const event = completed({ distanceMeters, durationSeconds }, policy);
        const tx = completedEntry(event, policy);
        expect(tx.id).toBe(`trip:${TRIP}:completed`);
        const [rider, ...credits] = tx.postings;
        expect(rider).toEqual({ accountId: `rider:${RIDER}:receivable`, amount: { amount: BigInt(event.fare.amount), currency: 'CAD' } });
        expect(credits.every((p) => p.amount.amount < 0n)).toBe(true);
        expect(credits.reduce((s, p) => s + p.amount.amount, 0n)).toBe(-rider!.amount.amount);
        expect(tx.metadata).toMatchObject({ tripId: TRIP, policyHash: HASH, completedAt: event.completedAt, fare: event.breakdown });
      }),
    );
  });

  it('names the same entry for the same event however often it comes (the idempotency key)', () => {
    const event = completed({ distanceMeters: 3100, durationSeconds: 640 });
    expect(completedEntry(event, defaultFarePolicy)).toEqual(completedEntry(structuredClone(event), defaultFarePolicy));
  });

  it('refuses an event whose total, split or currency disagrees with its breakdown and policy', () => {
    const event = completed({ distanceMeters: 3100, durationSeconds: 640 });
    expect(() => completedEntry({ ...event, fare: { ...event.fare, amount: event.fare.amount + 1 } }, defaultFarePolicy)).toThrow(/differs from its breakdown/);
    const split = { ...event.split!, commission: { ...event.split!.commission, amount: event.split!.commission.amount + 1 } };
    expect(() => completedEntry({ ...event, split }, defaultFarePolicy)).toThrow(/differs from the policy/);
    const usd = parseFarePolicy({ ...structuredClone(defaultFarePolicy), currency: 'USD' });
    expect(() => completedEntry(event, usd)).toThrow(/policy in USD/);
  });
});

describe('cancelledEntry', () => {
  const base = { outboxId: 1, tripId: TRIP, riderId: RIDER, driverId: DRIVER, cancelledBy: 'rider', policyHash: HASH, kind: 'ride', vehicleKind: 'car' };
  const at = '2026-11-23T10:05:00.000Z';
  const matchedSecondsBefore = (s: number) => new Date(Date.parse(at) - s * 1000).toISOString();

  it('charges the rate card fee to the rider for the driver only after the grace period', () => {
    const late = cancelledEntry(tripCancelledEventSchema.parse({ ...base, matchedAt: matchedSecondsBefore(121), at }), defaultFarePolicy)!;
    expect(late.id).toBe(`trip:${TRIP}:cancelled`);
    expect(late.postings.map((p) => [p.accountId, p.amount.amount])).toEqual([
      [`rider:${RIDER}:receivable`, 500n],
      [`driver:${DRIVER}:payable`, -500n],
    ]);
    expect(cancelledEntry(tripCancelledEventSchema.parse({ ...base, matchedAt: matchedSecondsBefore(120), at }), defaultFarePolicy)).toBeNull();
  });

  it('charges nothing before a match, or when the driver or the system cancels', () => {
    expect(cancelledEntry(tripCancelledEventSchema.parse({ ...base, driverId: null, matchedAt: null, at }), defaultFarePolicy)).toBeNull();
    for (const cancelledBy of ['driver', 'system']) {
      expect(cancelledEntry(tripCancelledEventSchema.parse({ ...base, cancelledBy, matchedAt: matchedSecondsBefore(900), at }), defaultFarePolicy)).toBeNull();
    }
  });

  it('takes the commission from the fee only when the policy says so', () => {
    const policy = parseFarePolicy({ ...structuredClone(defaultFarePolicy), cancellation: { graceSeconds: 0, commissionApplies: true } });
    const tx = cancelledEntry(tripCancelledEventSchema.parse({ ...base, matchedAt: matchedSecondsBefore(10), at }), policy)!;
    expect(tx.postings.map((p) => p.amount.amount)).toEqual([500n, -450n, -50n]);
  });
});

describe('event schemas', () => {
  it('refuse ids that cannot name an account and malformed money', () => {
    const event = completed({ distanceMeters: 3000, durationSeconds: 600 });
    expect(tripCompletedEventSchema.safeParse({ ...event, riderId: 'a:b' }).success).toBe(false);
    expect(tripCompletedEventSchema.safeParse({ ...event, fare: { amount: 1.5, currency: 'CAD' } }).success).toBe(false);
    expect(tripCompletedEventSchema.safeParse({ ...event, policyHash: 'nope' }).success).toBe(false);
    expect(tripCompletedEventSchema.safeParse({ ...event, completedAt: 'later' }).success).toBe(false);
  });
});
