/**
 * Pure: a `trip.tipped` event becomes the tip's journal entry. The id comes from the trip
 * (`trip:<tripId>:tip`), so however often the queue delivers the event, and whichever
 * worker takes it, the journal keeps one entry; the content is the one the HTTP route
 * posted directly before tips became events, so older tips compare equal.
 */
import { JournalTransaction, moneyFromJson, postTip } from '@coop/money';
import { tipEntryId } from '../events/trip-event-postings';
import type { TripTippedEvent } from '../events/trip-event.schemas';

/** trip.tipped -> debit the rider, credit the driver's tips payable in full. */
export function tippedEntry(event: TripTippedEvent): JournalTransaction {
  return postTip({ id: tipEntryId(event.tripId), tripId: event.tripId, riderId: event.riderId, driverId: event.driverId, tip: moneyFromJson(event.tip) });
}
