import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { FareBreakdownJson } from '@coop/money';
import { DomainError, returnedRows } from '@coop/platform';
import { Trip } from './trip.types';
import { TripEvent, TripStatus, allowedFrom, targetOf } from './trip-state-machine';
import { runPrepared } from './prepared-statement';
import { RequestOutcomeRow, TRIP_REQUEST_STATEMENT, requestOutcome } from './trip-request';

export interface TripRow {
  id: string;
  quote_id: string;
  rider_id: string;
  kind: Trip['kind'];
  vehicle_kind: Trip['vehicleKind'];
  pickup_lat: number;
  pickup_lng: number;
  dropoff_lat: number;
  dropoff_lng: number;
  status: TripStatus;
  driver_id: string | null;
  fare_amount: string;
  currency: string;
  policy_version: number;
  policy_hash: string;
  offer_count: number;
  final_fare_amount: string | null;
  distance_m: number | null;
  duration_s: number | null;
  requested_at: Date;
  updated_at: Date;
}

export function toTrip(row: TripRow): Trip {
  return {
    id: row.id,
    quoteId: row.quote_id,
    riderId: row.rider_id,
    kind: row.kind,
    vehicleKind: row.vehicle_kind,
    pickup: { lat: row.pickup_lat, lng: row.pickup_lng },
    dropoff: { lat: row.dropoff_lat, lng: row.dropoff_lng },
    status: row.status,
    driverId: row.driver_id,
    fareAmount: BigInt(row.fare_amount),
    currency: row.currency.trim(),
    policyVersion: row.policy_version,
    policyHash: row.policy_hash,
    offerCount: row.offer_count,
    finalFareAmount: row.final_fare_amount === null ? null : BigInt(row.final_fare_amount),
    distanceM: row.distance_m,
    durationS: row.duration_s,
    requestedAt: row.requested_at,
    updatedAt: row.updated_at,
  };
}

/** The trips table's unique indexes, as the refusals they mean; any other error as it is. */
export function tripIndexRefusal(error: unknown): unknown {
  const constraint = (error as { constraint?: string }).constraint;
  if (constraint === 'trips_quote_id_key') return new DomainError('QUOTE_ALREADY_USED');
  if (constraint === 'trips_one_open_per_rider') return new DomainError('RIDER_HAS_ACTIVE_TRIP');
  if (constraint === 'trips_one_active_per_driver') return new DomainError('DRIVER_BUSY');
  return error;
}

/** Columns a transition may set besides the status (each named, never free SQL). */
export interface TransitionFields {
  driverId?: string;
  finalFareAmount?: bigint;
  distanceM?: number;
  durationS?: number;
  cancelReason?: string;
  cancelledBy?: 'rider' | 'driver' | 'system';
  incrementOffers?: boolean;
}

const timestampColumn: Partial<Record<TripStatus, string>> = {
  matched: 'matched_at',
  arrived: 'arrived_at',
  in_progress: 'started_at',
  completed: 'completed_at',
  cancelled: 'ended_at',
  unfulfilled: 'ended_at',
};

/**
 * Trips and their history. Every status change is a conditional UPDATE whose WHERE clause
 * is the state machine's allowed-from set: of two racing changes, the database lets one win.
 */
@Injectable()
export class TripsRepository {
  /** Inserts a requested trip from a quote inside the caller's transaction. */
  async insertRequested(db: EntityManager, trip: Omit<Trip, 'id' | 'status' | 'driverId' | 'offerCount' | 'finalFareAmount' | 'distanceM' | 'durationS' | 'requestedAt' | 'updatedAt'>): Promise<Trip> {
    try {
      const rows: TripRow[] = await db.query(
        `INSERT INTO trips (quote_id, rider_id, kind, vehicle_kind, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng,
                            status, fare_amount, currency, policy_version, policy_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'requested', $9, $10, $11, $12) RETURNING *`,
        [
          trip.quoteId, trip.riderId, trip.kind, trip.vehicleKind, trip.pickup.lat, trip.pickup.lng,
          trip.dropoff.lat, trip.dropoff.lng, trip.fareAmount.toString(), trip.currency, trip.policyVersion, trip.policyHash,
        ],
      );
      return toTrip(rows[0]);
    } catch (error) {
      throw tripIndexRefusal(error);
    }
  }

  /**
   * The rider's request from a quote, in one statement (TRIP_REQUEST_SQL): the trip, its first
   * history row and its `trip.requested` outbox event, or the trip the quote already made.
   * `at` is the event's time (the domain clock). Refused requests write nothing.
   */
  async requestFromQuote(db: EntityManager, quoteId: string, riderId: string, at: Date): Promise<{ created: boolean; trip: Trip }> {
    try {
      const rows = await runPrepared<RequestOutcomeRow>(db, TRIP_REQUEST_STATEMENT, [quoteId, riderId, at.toISOString()]);
      const { created, row } = requestOutcome(rows);
      return { created, trip: toTrip(row) };
    } catch (error) {
      throw tripIndexRefusal(error);
    }
  }

  async find(db: EntityManager, id: string): Promise<Trip | undefined> {
    const rows: TripRow[] = await db.query(`SELECT * FROM trips WHERE id = $1`, [id]);
    return rows[0] && toTrip(rows[0]);
  }

  /** A trip with the fare breakdown of the quote it was requested from (a completion's basis). */
  async findWithQuotedFare(db: EntityManager, id: string): Promise<{ trip: Trip; quotedFare: FareBreakdownJson } | undefined> {
    const rows: (TripRow & { quoted_fare: FareBreakdownJson })[] = await db.query(
      `SELECT trips.*, quotes.fare_breakdown AS quoted_fare FROM trips JOIN quotes ON quotes.id = trips.quote_id WHERE trips.id = $1`,
      [id],
    );
    return rows[0] && { trip: toTrip(rows[0]), quotedFare: rows[0].quoted_fare };
  }

  async findByQuote(db: EntityManager, quoteId: string): Promise<Trip | undefined> {
    const rows: TripRow[] = await db.query(`SELECT * FROM trips WHERE quote_id = $1`, [quoteId]);
    return rows[0] && toTrip(rows[0]);
  }

  /** Reads and row-locks a trip until the transaction ends; all trip changes lock it first. */
  async lock(db: EntityManager, id: string): Promise<Trip | undefined> {
    const rows: TripRow[] = await db.query(`SELECT * FROM trips WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] && toTrip(rows[0]);
  }

  /** Row-locks trips waiting for a driver, oldest first, skipping any another transaction holds. */
  async lockWaiting(db: EntityManager, limit: number): Promise<Trip[]> {
    const rows: TripRow[] = await db.query(
      `SELECT * FROM trips WHERE status = 'requested' ORDER BY requested_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toTrip);
  }

  /** The active trip of each of the given drivers, by driver id. */
  async activeForDrivers(db: EntityManager, driverIds: readonly string[]): Promise<Map<string, { tripId: string; riderId: string }>> {
    if (!driverIds.length) return new Map();
    const rows: { id: string; driver_id: string; rider_id: string }[] = await db.query(
      `SELECT id, driver_id, rider_id FROM trips WHERE driver_id = ANY($1) AND status IN ('matched', 'arrived', 'in_progress')`,
      [driverIds],
    );
    return new Map(rows.map((r) => [r.driver_id, { tripId: r.id, riderId: r.rider_id }]));
  }

  /** The driver's trip in a driving status, if any. */
  async activeForDriver(db: EntityManager, driverId: string): Promise<Trip | undefined> {
    const rows: TripRow[] = await db.query(
      `SELECT * FROM trips WHERE driver_id = $1 AND status IN ('matched', 'arrived', 'in_progress')`,
      [driverId],
    );
    return rows[0] && toTrip(rows[0]);
  }

  /** The rider's trip that has not ended yet, if any (at most one: a unique index). */
  async openForRider(db: EntityManager, riderId: string): Promise<Trip | undefined> {
    const rows: TripRow[] = await db.query(
      `SELECT * FROM trips WHERE rider_id = $1 AND status IN ('requested', 'offered', 'matched', 'arrived', 'in_progress')`,
      [riderId],
    );
    return rows[0] && toTrip(rows[0]);
  }

  /**
   * Applies an event if the trip's status allows it; returns the updated trip, or undefined
   * when the status had already moved on (the caller lost a race).
   */
  async transition(db: EntityManager, id: string, event: TripEvent, fields: TransitionFields = {}): Promise<Trip | undefined> {
    const to = targetOf(event);
    const sets = ['status = $2', 'updated_at = now()'];
    const params: unknown[] = [id, to, allowedFrom(event)];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (fields.driverId !== undefined) set('driver_id', fields.driverId);
    if (fields.finalFareAmount !== undefined) set('final_fare_amount', fields.finalFareAmount.toString());
    if (fields.distanceM !== undefined) set('distance_m', fields.distanceM);
    if (fields.durationS !== undefined) set('duration_s', fields.durationS);
    if (fields.cancelReason !== undefined) set('cancel_reason', fields.cancelReason);
    if (fields.cancelledBy !== undefined) set('cancelled_by', fields.cancelledBy);
    if (fields.incrementOffers) sets.push('offer_count = offer_count + 1');
    const stamp = timestampColumn[to];
    if (stamp) sets.push(`${stamp} = now()`);
    try {
      const rows = returnedRows<TripRow>(
        await db.query(`UPDATE trips SET ${sets.join(', ')} WHERE id = $1 AND status = ANY($3) RETURNING *`, params),
      );
      return rows[0] && toTrip(rows[0]);
    } catch (error) {
      throw tripIndexRefusal(error);
    }
  }

  /** Appends to the trip's history (append-only in the database). */
  async recordEvent(
    db: EntityManager,
    event: { tripId: string; type: string; from?: TripStatus; to?: TripStatus; actorId?: string; data?: Record<string, unknown> },
  ): Promise<void> {
    await db.query(
      `INSERT INTO trip_events (trip_id, type, from_status, to_status, actor_id, data) VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.tripId, event.type, event.from ?? null, event.to ?? null, event.actorId ?? null, event.data ?? {}],
    );
  }

  /** Trips waiting for a driver whose last change is older than `idleSeconds` (for the sweeper). */
  async staleSearching(db: EntityManager, idleSeconds: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM trips WHERE status = 'requested' AND updated_at < now() - make_interval(secs => $1)
       ORDER BY updated_at LIMIT $2`,
      [idleSeconds, limit],
    );
    return rows.map((r) => r.id);
  }
}
