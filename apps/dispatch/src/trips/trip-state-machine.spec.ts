import fc from 'fast-check';
import { isTerminal, nextStatus, tripEvents, tripStatuses, TripEvent, TripStatus } from './trip-state-machine';

describe('trip state machine', () => {
  it.each<[TripStatus, TripEvent, TripStatus | undefined]>([
    ['requested', 'offer_made', 'offered'],
    ['offered', 'driver_accepted', 'matched'],
    ['offered', 'offer_lapsed', 'requested'],
    ['matched', 'driver_arrived', 'arrived'],
    ['arrived', 'trip_started', 'in_progress'],
    ['in_progress', 'trip_completed', 'completed'],
    ['offered', 'rider_cancelled', 'cancelled'],
    ['arrived', 'rider_cancelled', 'cancelled'],
    ['requested', 'search_exhausted', 'unfulfilled'],
    ['in_progress', 'rider_cancelled', undefined],
    ['requested', 'driver_accepted', undefined],
    ['matched', 'trip_completed', undefined],
    ['cancelled', 'driver_accepted', undefined],
  ])('%s --%s--> %s', (from, event, to) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it('never leaves a terminal status', () => {
    for (const status of tripStatuses.filter(isTerminal)) {
      for (const event of tripEvents) expect(nextStatus(status, event)).toBeUndefined();
    }
  });

  it('every reachable walk from requested ends in a terminal status or can continue', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tripEvents), { maxLength: 30 }), (events) => {
        let status: TripStatus = 'requested';
        let driverAssigned = false;
        for (const event of events) {
          const next = nextStatus(status, event);
          if (next === undefined) continue;
          if (event === 'driver_accepted') driverAssigned = true;
          status = next;
        }
        // A trip in a driving status always went through an accept.
        if (['matched', 'arrived', 'in_progress', 'completed'].includes(status)) expect(driverAssigned).toBe(true);
        // Completion is reachable only through in_progress, so only with a driver.
        return tripStatuses.includes(status);
      }),
    );
  });
});
