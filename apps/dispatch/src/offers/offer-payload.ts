import { moneyToJson } from '@coop/money';
import { Trip } from '../trips/trip.types';
import { Offer } from './offer.types';

/** The `offer` event a driver receives (../shared/API.md). */
export function offerPayload(trip: Trip, offer: Offer, decisionIndex: number | null) {
  return {
    offerId: offer.id,
    tripId: trip.id,
    kind: trip.kind,
    vehicleKind: trip.vehicleKind,
    pickup: trip.pickup,
    dropoff: trip.dropoff,
    fare: moneyToJson({ amount: trip.fareAmount, currency: trip.currency }),
    expiresAt: offer.expiresAt.toISOString(),
    decisionIndex,
  };
}
