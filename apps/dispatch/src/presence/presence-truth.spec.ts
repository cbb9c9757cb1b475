import fc from 'fast-check';
import type { DriverAvailability } from './driver-presence';
import { presenceCorrection } from './presence-truth';

const trip = { tripId: 't1', riderId: 'r1' };

describe('presenceCorrection', () => {
  it('puts a driver whose trip the database says is active on that trip', () => {
    expect(presenceCorrection({ availability: 'free', activeTripId: null }, { activeTrip: trip, hasPendingOffer: false })).toEqual({
      availability: 'on_trip',
      trip,
      resetIdle: false,
    });
    expect(presenceCorrection({ availability: 'on_trip', activeTripId: 'other' }, { activeTrip: trip, hasPendingOffer: false })?.trip).toEqual(trip);
  });

  it('frees a driver left on a trip that ended, and restarts their idle time', () => {
    expect(presenceCorrection({ availability: 'on_trip', activeTripId: 't1' }, { hasPendingOffer: false })).toEqual({ availability: 'free', resetIdle: true });
  });

  it('clears a trip id left on a free driver, so their fixes stop going to that rider', () => {
    expect(presenceCorrection({ availability: 'free', activeTripId: 't1' }, { hasPendingOffer: false })).toEqual({ availability: 'free', resetIdle: false });
  });

  it('marks a driver holding a pending offer as offered', () => {
    expect(presenceCorrection({ availability: 'free', activeTripId: null }, { hasPendingOffer: true })).toEqual({ availability: 'offered', resetIdle: false });
  });

  it('leaves a presence that agrees with the database alone, and any correction is a fixed point', () => {
    const availability = fc.constantFrom<DriverAvailability>('free', 'offered', 'on_trip');
    const tripId = fc.option(fc.constantFrom('t1', 't2'), { nil: null });
    const truth = fc.record({ activeTrip: fc.option(fc.constant(trip), { nil: undefined }), hasPendingOffer: fc.boolean() });
    fc.assert(
      fc.property(availability, tripId, truth, (current, currentTrip, t) => {
        const fix = presenceCorrection({ availability: current, activeTripId: currentTrip }, t);
        if (!fix) return;
        const after = { availability: fix.availability, activeTripId: fix.trip?.tripId ?? null };
        expect(presenceCorrection(after, t)).toBeUndefined();
      }),
    );
  });
});
