import { DomainError } from '@coop/platform';
import { preparedStatement } from './prepared-statement';
import type { TripRow } from './trips.repository';

/**
 * The trip columns the dispatch statements return (TripRow's), named rather than `*`: a
 * prepared statement whose result columns change under it (a migration adding a column to
 * trips while a node runs) fails with "cached plan must not change result type".
 */
export const TRIP_ROW_COLUMNS: readonly (keyof TripRow)[] = [
  'id', 'quote_id', 'rider_id', 'kind', 'vehicle_kind', 'pickup_lat', 'pickup_lng', 'dropoff_lat', 'dropoff_lng',
  'status', 'driver_id', 'fare_amount', 'currency', 'policy_version', 'policy_hash', 'offer_count',
  'final_fare_amount', 'distance_m', 'duration_s', 'requested_at', 'updated_at',
];

/** TRIP_ROW_COLUMNS qualified by a relation name, for a select list. */
export function tripColumnsOf(relation: string): string {
  return TRIP_ROW_COLUMNS.map((column) => `${relation}.${column}`).join(', ');
}

/**
 * A trip request in one round trip instead of five (quote, "quote already used", trip, history,
 * outbox): each step is a CTE reading the one before. The insert happens only for the rider's
 * own unexpired quote that made no trip yet; the history row and the outbox event read the
 * insert's RETURNING, so they exist exactly when the trip does. A unique index that refuses the
 * insert (the quote used meanwhile, the rider already on a trip) fails the whole statement:
 * nothing is written. $1 quote id, $2 rider id, $3 the event's time (ISO 8601).
 *
 * The answer is one row saying what happened, with the trip's columns where there is a trip:
 * `created` (the new trip), `existing` (the trip this quote made before), `expired` (no trip);
 * no row when the quote does not exist or is another rider's.
 */
export const TRIP_REQUEST_SQL = `
WITH quote AS (
  SELECT *, expires_at <= now() AS expired FROM quotes WHERE id = $1 AND rider_id = $2
), prior AS (
  SELECT ${tripColumnsOf('trips')} FROM trips JOIN quote ON trips.quote_id = quote.id
), created AS (
  INSERT INTO trips (quote_id, rider_id, kind, vehicle_kind, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng,
                     status, fare_amount, currency, policy_version, policy_hash)
  SELECT id, rider_id, kind, vehicle_kind, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng,
         'requested', fare_amount, currency, policy_version, policy_hash
    FROM quote WHERE NOT expired AND NOT EXISTS (SELECT 1 FROM prior)
  RETURNING ${TRIP_ROW_COLUMNS.join(', ')}
), history AS (
  INSERT INTO trip_events (trip_id, type, to_status, actor_id) SELECT id, 'requested', 'requested', rider_id FROM created
), outbox_event AS (
  -- The ledger holds the fare on the rider's card from this event (relayed at least once).
  INSERT INTO outbox (topic, payload)
  SELECT 'trip.requested', jsonb_build_object(
           'tripId', id, 'riderId', rider_id, 'quoteId', quote_id, 'kind', kind, 'vehicleKind', vehicle_kind,
           'fareAmount', fare_amount::text, 'currency', currency::text,
           'policyVersion', policy_version, 'policyHash', policy_hash, 'at', $3::text)
    FROM created
)
SELECT 'created' AS outcome, ${tripColumnsOf('created')} FROM created
UNION ALL SELECT 'existing', ${tripColumnsOf('prior')} FROM prior
UNION ALL SELECT 'expired', ${tripColumnsOf('no_trip')} FROM quote LEFT JOIN trips no_trip ON false
  WHERE quote.expired AND NOT EXISTS (SELECT 1 FROM prior)`;

/** TRIP_REQUEST_SQL as a named statement: parsed and planned once per connection. */
export const TRIP_REQUEST_STATEMENT = preparedStatement('trip_request', TRIP_REQUEST_SQL);

export type RequestOutcomeRow = TripRow & { outcome: 'created' | 'existing' | 'expired' };

/** What TRIP_REQUEST_SQL's answer means: the trip and whether it is new, or the rider's refusal. */
export function requestOutcome(rows: readonly RequestOutcomeRow[]): { created: boolean; row: TripRow } {
  const [first] = rows;
  if (rows.length > 1) throw new Error(`a trip request answered ${rows.length} rows`);
  if (!first) throw new DomainError('QUOTE_NOT_FOUND');
  if (first.outcome === 'expired') throw new DomainError('QUOTE_EXPIRED');
  const { outcome, ...row } = first;
  return { created: outcome === 'created', row };
}
