import { moneyToJson } from '@coop/money';
import { Trip } from './trip.types';

/** The client shape of a trip (../shared/API.md `GET /v1/trips/:tripId`). */
export function tripView(trip: Trip) {
  return {
    tripId: trip.id,
    status: trip.status,
    kind: trip.kind,
    vehicleKind: trip.vehicleKind,
    pickup: trip.pickup,
    dropoff: trip.dropoff,
    driver: trip.driverId ? { memberId: trip.driverId } : undefined,
    fare: moneyToJson({ amount: trip.fareAmount, currency: trip.currency }),
    finalFare: trip.finalFareAmount === null ? undefined : moneyToJson({ amount: trip.finalFareAmount, currency: trip.currency }),
    distanceMeters: trip.distanceM ?? undefined,
    durationSeconds: trip.durationS ?? undefined,
    offerCount: trip.offerCount,
    policyVersion: trip.policyVersion,
    policyHash: trip.policyHash,
    requestedAt: trip.requestedAt.toISOString(),
    updatedAt: trip.updatedAt.toISOString(),
  };
}

export type TripView = ReturnType<typeof tripView>;
