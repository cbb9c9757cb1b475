import fc from 'fast-check';
import { FencedOfferRow, OfferWithoutTrip, OfferWriteRow, fencedOfferOutcome, offerWriteOutcome } from './offer-write';

const tripColumns = (id: string | null) => ({
  id, quote_id: id && 'q', rider_id: id && 'r', kind: id && 'ride', vehicle_kind: id && 'car', pickup_lat: id && 45.5,
  pickup_lng: id && -73.5, dropoff_lat: id && 45.52, dropoff_lng: id && -73.58, status: id && 'offered', driver_id: null,
  fare_amount: id && '1234', currency: id && 'CAD', policy_version: id && 1, policy_hash: id && 'h', offer_count: id && 1,
  final_fare_amount: null, distance_m: null, duration_s: null, requested_at: id && new Date(0), updated_at: id && new Date(0),
});

const row = (tripId: string | null, decisionIndex: string | null): OfferWriteRow => ({
  ...tripColumns(tripId),
  offer_id: 'o1', offer_driver_id: 'd1', offer_attempt: 1, offer_state: 'pending', offer_decision_index: decisionIndex,
  offer_created_at: new Date(1), offer_expires_at: new Date(2),
}) as OfferWriteRow;

describe('offerWriteOutcome (the one-statement offer\'s answer)', () => {
  it('no row: the driver was taken, nothing was written', () => {
    expect(offerWriteOutcome('t1', [])).toBeUndefined();
  });

  it('splits the row into the trip and the offer, the decision index as a number', () => {
    fc.assert(fc.property(fc.uuid(), fc.option(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), { nil: null }), (tripId, index) => {
      const made = offerWriteOutcome(tripId, [row(tripId, index === null ? null : index.toString())])!;
      expect(made.trip).toEqual(tripColumns(tripId));
      expect(made.offer).toEqual({
        id: 'o1', tripId, driverId: 'd1', attempt: 1, state: 'pending', decisionIndex: index === null ? null : Number(index),
        createdAt: new Date(1), expiresAt: new Date(2),
      });
    }));
  });

  it('an offer whose trip did not move is a broken invariant (OfferWithoutTrip), not a race', () => {
    expect(() => offerWriteOutcome('t1', [row(null, '7')])).toThrow(OfferWithoutTrip);
  });
});

describe('fencedOfferOutcome (the fenced offer\'s answer)', () => {
  const nothing = (outcome: FencedOfferRow['outcome']) => ({
    outcome, ...tripColumns(null), offer_id: null, offer_driver_id: null, offer_attempt: null, offer_state: null,
    offer_decision_index: null, offer_created_at: null, offer_expires_at: null,
  }) as FencedOfferRow;

  it('says why nothing was written', () => {
    expect(fencedOfferOutcome('t1', [nothing('driver_taken')])).toEqual({ kind: 'driver_taken' });
    expect(fencedOfferOutcome('t1', [nothing('trip_moved_on')])).toEqual({ kind: 'trip_moved_on' });
  });

  it('an offer splits as the unfenced write does', () => {
    const written = { outcome: 'offered', ...row('t1', '7') } as FencedOfferRow;
    expect(fencedOfferOutcome('t1', [written])).toEqual({ kind: 'offered', made: offerWriteOutcome('t1', [row('t1', '7')]) });
  });

  it('refuses an answer it cannot read: no row, two rows, an offer without its row', () => {
    expect(() => fencedOfferOutcome('t1', [])).toThrow(/0 rows/);
    expect(() => fencedOfferOutcome('t1', [nothing('driver_taken'), nothing('driver_taken')])).toThrow(/2 rows/);
    expect(() => fencedOfferOutcome('t1', [nothing('offered')])).toThrow(/without its offer/);
  });
});
