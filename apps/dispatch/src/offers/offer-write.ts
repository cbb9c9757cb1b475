import { preparedStatement } from '../trips/prepared-statement';
import { TRIP_ROW_COLUMNS, tripColumnsOf } from '../trips/trip-request';
import type { TripRow } from '../trips/trips.repository';

/**
 * An offer in one round trip instead of three (the trip's status, the offer row, its history
 * row), sent once the decision's log append has committed, so the offer row can name it. The
 * trip moves to `offered` and the history row is written only if the offer row was inserted:
 * when the driver already holds another offer (ON CONFLICT on offers_one_pending_per_driver,
 * a concurrent dispatch won them), the statement writes nothing, and the caller decides again
 * without rolling anything back. $1 trip, $2 driver, $3 attempt, $4 decision index,
 * $5 timeout in seconds (from the database's clock), $6 score, $7 the statuses the trip may be
 * offered from, $8 the status it moves to (the state machine's, trip-state-machine.ts).
 */
export const OFFER_WRITE_SQL = `
WITH offer AS (
  INSERT INTO offers (trip_id, driver_id, attempt, state, decision_index, expires_at)
  VALUES ($1, $2, $3, 'pending', $4, now() + make_interval(secs => $5))
  ON CONFLICT (driver_id) WHERE state = 'pending' DO NOTHING
  RETURNING id, trip_id, driver_id, attempt, state, decision_index, created_at, expires_at
), trip AS (
  UPDATE trips SET status = $8, updated_at = now(), offer_count = offer_count + 1
   WHERE id = $1 AND status = ANY($7) AND EXISTS (SELECT 1 FROM offer)
  RETURNING ${TRIP_ROW_COLUMNS.join(', ')}
), history AS (
  INSERT INTO trip_events (trip_id, type, from_status, to_status, data)
  SELECT offer.trip_id, 'offer_made', trip_before.status, $8,
         jsonb_build_object('offerId', offer.id, 'driverId', offer.driver_id, 'decisionIndex', offer.decision_index, 'score', $6::float8)
    FROM offer JOIN trips trip_before ON trip_before.id = offer.trip_id
)
SELECT ${tripColumnsOf('trip')}, offer.id AS offer_id, offer.driver_id AS offer_driver_id, offer.attempt AS offer_attempt,
       offer.state AS offer_state, offer.decision_index AS offer_decision_index,
       offer.created_at AS offer_created_at, offer.expires_at AS offer_expires_at
  FROM offer LEFT JOIN trip ON true`;

/** OFFER_WRITE_SQL as a named statement: parsed and planned once per connection. */
export const OFFER_WRITE_STATEMENT = preparedStatement('offer_write', OFFER_WRITE_SQL);

/** One row of OFFER_WRITE_SQL's answer: the offered trip's columns (null if it was not moved) and the offer's. */
export type OfferWriteRow = { [K in keyof TripRow]: TripRow[K] | null } & {
  offer_id: string;
  offer_driver_id: string;
  offer_attempt: number;
  offer_state: 'pending';
  offer_decision_index: string | null;
  offer_created_at: Date;
  offer_expires_at: Date;
};

/**
 * The offer of a dispatch step that holds no lock while its decision is logged: the function of
 * migration 866 locks the trip and writes the offer, the trip's move to `offered` and the history
 * row only if the trip is still in one of the statuses $7 with the offer count $3 the step read
 * (the fence); otherwise, or when the driver holds another offer, it writes nothing. One round
 * trip, its own commit. $1 trip, $2 driver, $4 decision index, $5 timeout in seconds, $6 score,
 * $8 the status it moves to.
 */
export const OFFER_IF_UNCHANGED_STATEMENT = preparedStatement('trip_offer_if_unchanged', `
SELECT r.o_outcome AS outcome, ${TRIP_ROW_COLUMNS.map((column) => `(r.o_trip).${column}`).join(', ')},
       (r.o_offer).id AS offer_id, (r.o_offer).driver_id AS offer_driver_id, (r.o_offer).attempt AS offer_attempt,
       (r.o_offer).state AS offer_state, (r.o_offer).decision_index AS offer_decision_index,
       (r.o_offer).created_at AS offer_created_at, (r.o_offer).expires_at AS offer_expires_at
  FROM trip_offer_if_unchanged($1, $2, $3, $4, $5, $6, $7, $8) r`);

/** What trip_offer_if_unchanged did. */
export type FencedOfferOutcome = 'offered' | 'driver_taken' | 'trip_moved_on';

/** One row of OFFER_IF_UNCHANGED_STATEMENT's answer: OfferWriteRow's columns, null unless offered. */
export type FencedOfferRow = { outcome: FencedOfferOutcome } & { [K in keyof OfferWriteRow]: OfferWriteRow[K] | null };

/** The offer row was written but the trip was not in a status it may be offered from: roll back. */
export class OfferWithoutTrip extends Error {
  constructor(tripId: string) {
    super(`trip ${tripId} was not in a status an offer may be made from; the offer must not stand`);
    this.name = 'OfferWithoutTrip';
  }
}

/**
 * What OFFER_WRITE_SQL's answer means: undefined when the driver was taken (nothing written),
 * else the trip and offer rows. An offer whose trip did not move throws: its caller holds the
 * trip (locked, or inserted by its own transaction), so this is a broken invariant, not a race.
 */
export function offerWriteOutcome(tripId: string, rows: readonly OfferWriteRow[]):
  { trip: TripRow; offer: { id: string; tripId: string; driverId: string; attempt: number; state: 'pending'; decisionIndex: number | null; createdAt: Date; expiresAt: Date } } | undefined {
  const [row] = rows;
  if (!row) return undefined;
  if (rows.length > 1) throw new Error(`an offer write answered ${rows.length} rows`);
  const {
    offer_id: id, offer_driver_id: driverId, offer_attempt: attempt, offer_state: state,
    offer_decision_index: decisionIndex, offer_created_at: createdAt, offer_expires_at: expiresAt, ...trip
  } = row;
  if (trip.id === null) throw new OfferWithoutTrip(tripId);
  return {
    trip: trip as TripRow,
    offer: { id, tripId, driverId, attempt, state, decisionIndex: decisionIndex === null ? null : Number(decisionIndex), createdAt, expiresAt },
  };
}

/** What OFFER_IF_UNCHANGED_STATEMENT's answer means: the rows written, or why there are none. */
export function fencedOfferOutcome(tripId: string, rows: readonly FencedOfferRow[]):
  | { kind: 'offered'; made: NonNullable<ReturnType<typeof offerWriteOutcome>> }
  | { kind: Exclude<FencedOfferOutcome, 'offered'> } {
  if (rows.length !== 1) throw new Error(`a fenced offer answered ${rows.length} rows`);
  const [{ outcome, ...row }] = rows;
  if (outcome === 'driver_taken' || outcome === 'trip_moved_on') return { kind: outcome };
  if (outcome !== 'offered' || row.offer_id === null) throw new Error(`a fenced offer answered ${outcome} without its offer`);
  return { kind: 'offered', made: offerWriteOutcome(tripId, [row as OfferWriteRow])! };
}
