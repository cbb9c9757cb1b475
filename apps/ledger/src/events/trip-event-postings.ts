/**
 * Pure: a validated trip event and the fare policy it names become the journal transaction
 * to post (or null when there is nothing to post). No I/O here, so every rule is unit-tested.
 *
 * Transaction ids are derived from the event, never from the delivery: `trip:<id>:completed`
 * and `trip:<id>:cancelled`. However often the queue delivers an event, and whichever worker
 * takes it, it names the same entry, and the journal's idempotency keeps one.
 */
import {
  FarePolicy,
  FinalFare,
  JournalTransaction,
  MoneyError,
  cancellationFee,
  finalFareFromJson,
  moneyFromJson,
  moneyToJson,
  postTripCancelled,
  postTripCompleted,
  splitFare,
} from '@coop/money';
import type { TripCancelledEvent, TripCompletedEvent } from './trip-event.schemas';

/** The journal id of a trip's completion entry. */
export const completedEntryId = (tripId: string): string => `trip:${tripId}:completed`;
/** The journal id of a trip's cancellation fee entry. */
export const cancelledEntryId = (tripId: string): string => `trip:${tripId}:cancelled`;
/** The journal id of the rider's tip on a trip (one tip per trip). */
export const tipEntryId = (tripId: string): string => `trip:${tripId}:tip`;

/**
 * trip.completed -> the fare split entry. The final fare must follow its own rule and agree
 * with the event's total; the split is computed here from the policy (commission once, the
 * driver the remainder) and, when the event states one, must agree with it. A caller that
 * needs the final fare too passes it in, parsed once from this event's breakdown.
 */
export function completedEntry(event: TripCompletedEvent, policy: FarePolicy, fare: FinalFare = finalFareFromJson(event.breakdown)): JournalTransaction {
  const total = moneyFromJson(event.fare);
  if (fare.total.amount !== total.amount || fare.total.currency !== total.currency) {
    throw new MoneyError('FARE.INVALID_REQUEST', `event fare ${event.fare.amount} ${event.fare.currency} differs from its breakdown's total`);
  }
  if (fare.total.currency !== policy.currency) {
    throw new MoneyError('MONEY.CURRENCY_MISMATCH', `fare in ${fare.total.currency}, policy in ${policy.currency}`);
  }
  if (event.split) {
    const split = splitFare(policy, fare.total);
    const ours = { commission: moneyToJson(split.commission), commonFund: moneyToJson(split.commonFund), driver: moneyToJson(split.driver) };
    if (JSON.stringify(ours) !== JSON.stringify(event.split)) {
      throw new MoneyError('FARE.INVALID_REQUEST', `event split ${JSON.stringify(event.split)} differs from the policy's ${JSON.stringify(ours)}`);
    }
  }
  return postTripCompleted({
    id: completedEntryId(event.tripId),
    tripId: event.tripId,
    riderId: event.riderId,
    driverId: event.driverId,
    fare,
    policy,
    policyHash: event.policyHash,
    completedAt: new Date(event.completedAt).toISOString(),
  });
}

/**
 * trip.cancelled -> the cancellation fee entry per policy, or null when no fee is due (not
 * matched, within the grace period, or not cancelled by the rider).
 */
export function cancelledEntry(event: TripCancelledEvent, policy: FarePolicy): JournalTransaction | null {
  const secondsSinceMatched =
    event.matchedAt === null || event.driverId === null ? null : Math.max(0, (Date.parse(event.at) - Date.parse(event.matchedAt)) / 1000);
  const charge = cancellationFee(policy, {
    jobKind: event.kind,
    vehicleKind: event.vehicleKind,
    cancelledBy: event.cancelledBy,
    secondsSinceMatched,
  });
  if (charge.fee.amount === 0n || event.driverId === null) return null;
  return postTripCancelled({
    id: cancelledEntryId(event.tripId),
    tripId: event.tripId,
    riderId: event.riderId,
    driverId: event.driverId,
    charge,
    policy,
    policyHash: event.policyHash,
  });
}
