import type { DriverAvailability, DriverPresence } from './driver-presence';

/** What the database says a driver is doing: it wins over Redis whenever the two disagree. */
export interface DriverTruth {
  activeTrip?: { tripId: string; riderId: string };
  hasPendingOffer: boolean;
}

export interface PresenceCorrection {
  availability: DriverAvailability;
  trip?: { tripId: string; riderId: string };
  /** The driver's trip ended while Redis still said on_trip: their idle time starts now. */
  resetIdle: boolean;
}

/**
 * The write that makes a driver's presence agree with the database, or undefined when it
 * already does. Presence writes follow commits without a shared transaction, so two of them
 * can land out of order (a rider's cancel and a driver's accept, say); this puts it right.
 */
export function presenceCorrection(presence: Pick<DriverPresence, 'availability' | 'activeTripId'>, truth: DriverTruth): PresenceCorrection | undefined {
  const current = presence.availability;
  const currentTrip = presence.activeTripId ?? null;
  if (truth.activeTrip) {
    const right = current === 'on_trip' && currentTrip === truth.activeTrip.tripId;
    return right ? undefined : { availability: 'on_trip', trip: truth.activeTrip, resetIdle: false };
  }
  const expected: DriverAvailability = truth.hasPendingOffer ? 'offered' : 'free';
  if (current === expected && currentTrip === null) return undefined;
  return { availability: expected, resetIdle: current === 'on_trip' };
}
