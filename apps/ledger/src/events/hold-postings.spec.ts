import fc from 'fast-check';
import { JournalTransaction, assertBalanced, balances as balancesOf, defaultFarePolicy, fareCap, finalFare, money, parseFarePolicy, quoteFare } from '@coop/money';
import {
  heldBy,
  holdEntry,
  holdExpired,
  holdPostedAtCompletion,
  holdPostedFromCompletion,
  holdResolvedAtCancellation,
} from './hold-postings';
import { tripRequestedEventSchema } from './trip-event.schemas';

const TRIP = '11111111-1111-4111-8111-111111111111';
const RIDER = '22222222-2222-4222-8222-222222222222';
const cad = (n: number | bigint) => money(BigInt(n), 'CAD');

function requested(fareAmount: number) {
  return tripRequestedEventSchema.parse({
    outboxId: '9',
    tripId: TRIP,
    riderId: RIDER,
    quoteId: 'q-1',
    kind: 'ride',
    vehicleKind: 'car',
    fareAmount: String(fareAmount),
    currency: 'CAD',
    policyVersion: 1,
    policyHash: 'a'.repeat(64),
    at: '2026-11-23T10:00:00.000Z',
  });
}

/** Each account's posted and pending balance after the given entries. */
function balances(txs: JournalTransaction[]) {
  return Object.fromEntries(balancesOf(txs).map((b) => [b.accountId, { posted: b.posted, pending: b.pending }]));
}

const receivable = `rider:${RIDER}:receivable`;

describe('the card hold of a trip', () => {
  it('holds the quote plus the policy margin on the pending layer only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), (quote, margin) => {
        const policy = parseFarePolicy({ ...structuredClone(defaultFarePolicy), finalFare: { maxOverrunBasisPoints: margin } });
        const h = holdEntry(requested(quote), policy);
        expect(h.id).toBe(`trip:${TRIP}:hold`);
        expect(heldBy(h)).toEqual(fareCap(policy, cad(quote)));
        expect(h.postings.every((p) => p.pending === true)).toBe(true);
        expect(h.metadata).toMatchObject({ tripId: TRIP, quote: { amount: quote, currency: 'CAD' }, maxOverrunBasisPoints: margin });
        expect(balances([h])).toEqual({ 'payments:clearing': { posted: 0n, pending: heldBy(h).amount }, [receivable]: { posted: 0n, pending: -heldBy(h).amount } });
      }),
    );
  });

  it('the posting rebuilt from the completion equals the one built from the stored hold, once the hold metadata is merged in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 20_000_000 }), fc.integer({ min: 0, max: 10_000 }), (quote, final, margin) => {
        const policy = parseFarePolicy({ ...structuredClone(defaultFarePolicy), finalFare: { maxOverrunBasisPoints: margin } });
        const stored = holdEntry(requested(quote), policy);
        const fromHold = holdPostedAtCompletion(stored, TRIP, cad(final));
        const fromEvent = holdPostedFromCompletion({ tripId: TRIP, riderId: RIDER, quote: cad(quote), fare: cad(final) }, policy);
        // What ledger_append stores for an if-pending entry: the hold's metadata under its own.
        expect({ ...fromEvent, metadata: { ...stored.metadata, ...fromEvent.metadata } }).toEqual(fromHold);
      }),
    );
  });

  it('at completion posts the final fare up to the held amount, releases the whole hold, and leaves any excess owed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 100_000 }), fc.integer({ min: 1, max: 300_000 }), (quote, final) => {
        const h = holdEntry(requested(quote), defaultFarePolicy);
        const held = heldBy(h).amount;
        const capture = holdPostedAtCompletion(h, TRIP, cad(final));
        assertBalanced(capture);
        expect(capture).toMatchObject({ id: `trip:${TRIP}:hold:posted`, kind: 'payment.capture', pendingId: h.id });
        const captured = BigInt(final) < held ? BigInt(final) : held;
        // The completion entry debits the rider the fare; the capture pays it from the card.
        const completion: JournalTransaction = {
          id: `trip:${TRIP}:completed`,
          kind: 'trip.completed',
          postings: [
            { accountId: receivable, amount: cad(final) },
            { accountId: 'driver:d:payable', amount: cad(-final) },
          ],
          metadata: {},
        };
        const after = balances([h, completion, capture]);
        expect(after[receivable]).toEqual({ posted: BigInt(final) - captured, pending: 0n });
        expect(after['payments:clearing']).toEqual({ posted: captured, pending: 0n });
        expect(capture.metadata.uncaptured).toEqual(BigInt(final) > held ? { amount: final - Number(held), currency: 'CAD' } : undefined);
      }),
    );
  });

  it('a same-route final fare never exceeds the hold; only a changed route can', () => {
    fc.assert(
      fc.property(
        fc.record({ d: fc.integer({ min: 0, max: 40_000 }), t: fc.integer({ min: 0, max: 5400 }), md: fc.integer({ min: 0, max: 80_000 }), mt: fc.integer({ min: 0, max: 10_800 }) }),
        fc.integer({ min: 0, max: 10_000 }),
        ({ d, t, md, mt }, margin) => {
          const policy = parseFarePolicy({ ...structuredClone(defaultFarePolicy), finalFare: { maxOverrunBasisPoints: margin } });
          const quote = quoteFare(policy, { jobKind: 'ride', vehicleKind: 'car', distanceMeters: d, durationSeconds: t, localHour: 9 });
          const held = heldBy(holdEntry(requested(Number(quote.total.amount)), policy)).amount;
          const measured = { distanceMeters: md, durationSeconds: mt };
          expect(finalFare(policy, quote, measured, { routeChanged: false }).total.amount).toBeLessThanOrEqual(held);
          const changed = finalFare(policy, quote, measured, { routeChanged: true }).total.amount;
          const capture = holdPostedAtCompletion(holdEntry(requested(Number(quote.total.amount)), policy), TRIP, cad(changed));
          expect(capture.metadata.uncaptured !== undefined).toBe(changed > held);
        },
      ),
    );
  });

  it('at cancellation posts the fee from the hold, or voids it when no fee is due', () => {
    const h = holdEntry(requested(1500), defaultFarePolicy);
    const fee = holdResolvedAtCancellation(h, TRIP, cad(500));
    expect(fee).toMatchObject({ id: `trip:${TRIP}:hold:posted`, kind: 'payment.capture', metadata: { reason: 'cancellation fee', charged: { amount: 500, currency: 'CAD' } } });
    expect(balances([h, fee])['payments:clearing']).toEqual({ posted: 500n, pending: 0n });
    for (const none of [null, cad(0)]) {
      const voided = holdResolvedAtCancellation(h, TRIP, none);
      expect(voided).toMatchObject({ id: `trip:${TRIP}:hold:voided`, kind: 'payment.void', pendingId: h.id });
      expect(balances([h, voided])).toEqual({ 'payments:clearing': { posted: 0n, pending: 0n }, [receivable]: { posted: 0n, pending: 0n } });
    }
  });

  it('expires into a void with its own id, so it cannot be mistaken for the rider cancelling', () => {
    const h = holdEntry(requested(1500), defaultFarePolicy);
    expect(holdExpired(h, TRIP)).toMatchObject({ id: `trip:${TRIP}:hold:expired`, kind: 'payment.void', pendingId: h.id });
  });

  it('refuses a quote in another currency than the policy, and a zero quote', () => {
    expect(() => holdEntry({ ...requested(1500), currency: 'USD' }, defaultFarePolicy)).toThrow(/policy in CAD/);
    expect(() => holdEntry(requested(0), defaultFarePolicy)).toThrow(/must be > 0/);
  });
});
