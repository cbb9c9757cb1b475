/**
 * Pure: the card hold of a trip, in TigerBeetle's two phases
 * (https://docs.tigerbeetle.com/coding/two-phase-transfers/), and how each outcome resolves it.
 *
 * - At request: a pending transfer of the most the trip can cost on the same route, the quote
 *   plus the policy's final-fare margin (`fareCap`: quote + maxOverrunBasisPoints, half to
 *   even), from payments clearing against the rider's receivable.
 * - At completion: post the final fare, at most the held amount; the rest of the hold is
 *   released. Rule when the final exceeds the hold (only a changed route can, since a
 *   same-route fare is capped at exactly the held amount): the held amount is captured and
 *   the excess stays on the rider's receivable, owed and shown as `uncaptured` (charging it
 *   takes a new authorization, which is outside the ledger).
 * - At cancellation: post the cancellation fee when the policy charges one (at most the held
 *   amount, the same rule), else void the hold.
 * - No outcome within the timeout: void (expiry job).
 *
 * Every id derives from the trip, so retries and redeliveries name the same entries; which
 * resolution wins when two race (a completion and the expiry) is the database's decision:
 * one resolution per hold (a unique index on pending_id).
 */
import {
  FarePolicy,
  JournalTransaction,
  Money,
  MoneyError,
  fareCap,
  hold,
  moneyTreeToJson,
  postPending,
  voidPending,
} from '@coop/money';
import type { TripRequestedEvent } from './trip-event.schemas';

/** The journal id of a trip's card hold (payment.hold). */
export const holdEntryId = (tripId: string): string => `trip:${tripId}:hold`;
/** The journal id of the posting of a trip's hold (payment.capture), at completion or for a cancellation fee. */
export const holdPostedEntryId = (tripId: string): string => `trip:${tripId}:hold:posted`;
/** The journal id of the void of a trip's hold when the trip is cancelled without a fee. */
export const holdVoidedEntryId = (tripId: string): string => `trip:${tripId}:hold:voided`;
/** The journal id of the void of a trip's hold that saw no outcome in time. */
export const holdExpiredEntryId = (tripId: string): string => `trip:${tripId}:hold:expired`;

/** trip.requested -> the pending hold of the quote plus the policy's final-fare margin. */
export function holdEntry(event: TripRequestedEvent, policy: FarePolicy): JournalTransaction {
  if (event.currency !== policy.currency) {
    throw new MoneyError('MONEY.CURRENCY_MISMATCH', `quote in ${event.currency}, policy in ${policy.currency}`);
  }
  const quote: Money = { amount: BigInt(event.fareAmount), currency: event.currency };
  const held = fareCap(policy, quote);
  return hold({
    id: holdEntryId(event.tripId),
    tripId: event.tripId,
    riderId: event.riderId,
    amount: held,
    details: {
      riderId: event.riderId,
      quoteId: event.quoteId,
      policyHash: event.policyHash,
      quote: moneyTreeToJson(quote),
      maxOverrunBasisPoints: policy.finalFare.maxOverrunBasisPoints,
      requestedAt: new Date(event.at).toISOString(),
    },
  });
}

/** The amount a hold reserves (its clearing line). */
export function heldBy(holdTx: JournalTransaction): Money {
  const line = holdTx.postings.find((p) => p.pending === true && p.amount.amount > 0n);
  if (holdTx.kind !== 'payment.hold' || !line) throw new MoneyError('LEDGER.INVALID_PENDING', `${holdTx.id} is not a hold`);
  return line.amount;
}

/** Posts `charge` from the hold, at most the held amount; what is above it stays owed. */
function capture(holdTx: JournalTransaction, tripId: string, charge: Money, reason: string): JournalTransaction {
  const held = heldBy(holdTx);
  if (charge.currency !== held.currency) {
    throw new MoneyError('MONEY.CURRENCY_MISMATCH', `charge in ${charge.currency}, hold in ${held.currency}`);
  }
  const captured = charge.amount < held.amount ? charge : held;
  const uncaptured = charge.amount - captured.amount;
  return postPending(holdTx, holdPostedEntryId(tripId), captured, {
    reason,
    charged: moneyTreeToJson(charge),
    ...(uncaptured > 0n ? { uncaptured: moneyTreeToJson({ amount: uncaptured, currency: charge.currency }) } : {}),
  });
}

/** trip.completed with a pending hold -> post the final fare from it (at most the held amount). */
export function holdPostedAtCompletion(holdTx: JournalTransaction, tripId: string, fare: Money): JournalTransaction {
  return capture(holdTx, tripId, fare, 'trip completed');
}

/** trip.cancelled with a pending hold -> post the fee from it, or void it when no fee is due. */
export function holdResolvedAtCancellation(holdTx: JournalTransaction, tripId: string, fee: Money | null): JournalTransaction {
  if (fee !== null && fee.amount > 0n) return capture(holdTx, tripId, fee, 'cancellation fee');
  return voidPending(holdTx, holdVoidedEntryId(tripId), 'trip cancelled without a fee');
}

/**
 * trip.completed -> the posting of its hold, built from the event alone, without reading the
 * hold: the hold is a function of the quote and the policy (`fareCap`, as in holdEntry), and
 * the completion's breakdown carries the quote. Its lines and amounts are those of
 * holdPostedAtCompletion on the stored hold; its metadata lacks the hold's own (quote id,
 * request time), which the database merges in when it appends it (IfHoldPending in
 * ledger.repository.ts). The database refuses it if its release differs from the hold's
 * lines (another quote or margin), and the caller then builds it from the stored hold.
 */
export function holdPostedFromCompletion(
  trip: { tripId: string; riderId: string; quote: Money; fare: Money },
  policy: FarePolicy,
): JournalTransaction {
  const rebuilt = hold({ id: holdEntryId(trip.tripId), tripId: trip.tripId, riderId: trip.riderId, amount: fareCap(policy, trip.quote) });
  return holdPostedAtCompletion(rebuilt, trip.tripId, trip.fare);
}

/** A hold with no outcome within the timeout -> void it. */
export function holdExpired(holdTx: JournalTransaction, tripId: string): JournalTransaction {
  return voidPending(holdTx, holdExpiredEntryId(tripId), 'no trip outcome within the hold timeout');
}
