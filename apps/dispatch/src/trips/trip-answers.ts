import { DataSource } from 'typeorm';
import { DomainError, ErrorCode, errorCatalog } from '@coop/platform';
import { preparedStatement, runPreparedAlone } from './prepared-statement';
import { TRIP_ROW_COLUMNS } from './trip-request';
import { TripEvent, allowedFrom, targetOf } from './trip-state-machine';
import type { OutboxTopic } from '../outbox/outbox';
import { tripIndexRefusal, type TripRow } from './trips.repository';

/**
 * A driver's answers to the database, one round trip each: the functions of migration 865
 * (trip_accept_offer, trip_advance) run the steps, the locks and the refusals inside it, so a
 * pooled connection is held for one reply instead of a transaction's five to nine.
 */
const ACCEPT_OFFER_STATEMENT = preparedStatement(
  'trip_accept_offer',
  `SELECT ${TRIP_ROW_COLUMNS.join(', ')} FROM trip_accept_offer($1, $2, $3, $4)`,
);

const ADVANCE_STATEMENT = preparedStatement(
  'trip_advance',
  `SELECT ${TRIP_ROW_COLUMNS.join(', ')} FROM trip_advance($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
);

/** The SQLSTATE the trip functions raise a refusal with; its message is the API's error code. */
const REFUSAL_SQLSTATE = 'CP001';

/** A pending offer past its deadline: refused, and lapsed by the caller. */
export class OfferPastDeadline extends Error {
  constructor(readonly offerId: string) {
    super(`offer ${offerId} is past its deadline`);
    this.name = 'OfferPastDeadline';
  }
}

interface DriverError {
  code?: string;
  message?: string;
  detail?: string;
}

/** A trip function's refusal as the caller's error; any other error as it is. */
export function answerRefusal(error: unknown, describe?: (detail: string | undefined) => string): unknown {
  const { code, message, detail } = driverErrorOf(error);
  if (code !== REFUSAL_SQLSTATE || !message) return tripIndexRefusal(error);
  if (!(message in errorCatalog)) throw new Error(`a trip function refused with an unknown code: ${message}`);
  const refusal = message as ErrorCode;
  return new DomainError(refusal, refusal === 'INVALID_TRANSITION' && describe ? describe(detail) : undefined);
}

/** The driver's error behind TypeORM's QueryFailedError (whose own message is reworded). */
function driverErrorOf(error: unknown): DriverError {
  return ((error as { driverError?: DriverError }).driverError ?? error) as DriverError;
}

function onlyRow(rows: readonly TripRow[], what: string): TripRow {
  if (rows.length !== 1) throw new Error(`${what} answered ${rows.length} rows`);
  return rows[0]!;
}

/** The offer's driver takes its trip; throws the refusal, or OfferPastDeadline. */
export async function acceptOffer(db: DataSource, offerId: string, driverId: string): Promise<TripRow> {
  try {
    const rows = await runPreparedAlone<TripRow>(db, ACCEPT_OFFER_STATEMENT, [
      offerId, driverId, allowedFrom('driver_accepted'), targetOf('driver_accepted'),
    ]);
    return onlyRow(rows, 'an accept');
  } catch (error) {
    const { code, message } = driverErrorOf(error);
    if (code === REFUSAL_SQLSTATE && message === 'OFFER_EXPIRED_PENDING') {
      throw new OfferPastDeadline(offerId);
    }
    throw answerRefusal(error);
  }
}

/** What a driver's event sets besides the status, and the outbox event it commits with. */
export interface AdvanceFields {
  finalFareAmount?: bigint;
  distanceM?: number;
  durationS?: number;
  outbox?: { topic: OutboxTopic; payload: object };
}

/** The trip's driver moves it on by `event`; throws the refusal. */
export async function advanceTrip(db: DataSource, tripId: string, driverId: string, event: TripEvent, fields: AdvanceFields = {}): Promise<TripRow> {
  try {
    const rows = await runPreparedAlone<TripRow>(db, ADVANCE_STATEMENT, [
      tripId, driverId, event, allowedFrom(event), targetOf(event),
      fields.finalFareAmount?.toString() ?? null, fields.distanceM ?? null, fields.durationS ?? null,
      fields.outbox?.topic ?? null, fields.outbox ? fields.outbox.payload : null,
    ]);
    return onlyRow(rows, `a ${event}`);
  } catch (error) {
    throw answerRefusal(error, (status) => `cannot ${event.replace('_', ' ')} a trip that is ${status}`);
  }
}
