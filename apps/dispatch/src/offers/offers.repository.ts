import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returnedRows } from '@coop/platform';
import { Trip } from '../trips/trip.types';
import { allowedFrom, targetOf } from '../trips/trip-state-machine';
import { toTrip } from '../trips/trips.repository';
import { Offer, OfferState } from './offer.types';
import { preparedStatement, runPrepared } from '../trips/prepared-statement';
import {
  FencedOfferOutcome, FencedOfferRow, OFFER_IF_UNCHANGED_STATEMENT, OFFER_WRITE_STATEMENT, OfferWriteRow, fencedOfferOutcome, offerWriteOutcome,
} from './offer-write';

/** Who of $1 (driver ids) holds a pending offer or drives a trip; on every dispatch step, so named. */
export const BUSY_AMONG_STATEMENT = preparedStatement('busy_among', `
SELECT driver_id, 'holding_offer' AS why FROM offers WHERE state = 'pending' AND driver_id = ANY($1)
UNION ALL
SELECT driver_id, 'on_trip' AS why FROM trips WHERE status IN ('matched', 'arrived', 'in_progress') AND driver_id = ANY($1)`);

interface OfferRow {
  id: string;
  trip_id: string;
  driver_id: string;
  attempt: number;
  state: OfferState;
  decision_index: string | null;
  created_at: Date;
  expires_at: Date;
}

function toOffer(row: OfferRow): Offer {
  return {
    id: row.id,
    tripId: row.trip_id,
    driverId: row.driver_id,
    attempt: row.attempt,
    state: row.state,
    decisionIndex: row.decision_index === null ? null : Number(row.decision_index),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Offers in PostgreSQL. Two partial unique indexes keep a trip offered to one driver at a
 * time and a driver holding one offer at a time, whatever the number of dispatch processes.
 */
@Injectable()
export class OffersRepository {
  /**
   * Offers a trip this transaction holds to a driver, in one statement (OFFER_WRITE_SQL): the
   * offer row, the trip moved to `offered` and the history row. Undefined, with nothing written,
   * when the driver already holds another offer (a concurrent dispatch won them).
   */
  async offerTrip(
    db: EntityManager,
    offer: { tripId: string; driverId: string; attempt: number; decisionIndex: number; timeoutSeconds: number; score: number | null },
  ): Promise<{ trip: Trip; offer: Offer } | undefined> {
    const rows = await runPrepared<OfferWriteRow>(db, OFFER_WRITE_STATEMENT, [
      offer.tripId, offer.driverId, offer.attempt, offer.decisionIndex, offer.timeoutSeconds, offer.score,
      allowedFrom('offer_made'), targetOf('offer_made'),
    ]);
    const made = offerWriteOutcome(offer.tripId, rows);
    return made && { trip: toTrip(made.trip), offer: made.offer };
  }

  /**
   * Offers a trip no one holds (OFFER_IF_UNCHANGED_STATEMENT; given the data source's manager, in
   * its own commit): written only if the trip is still waiting with `seenOfferCount` offers made,
   * and the driver holds none.
   */
  async offerIfUnchanged(
    db: EntityManager,
    offer: { tripId: string; driverId: string; seenOfferCount: number; decisionIndex: number; timeoutSeconds: number; score: number | null },
  ): Promise<{ kind: 'offered'; trip: Trip; offer: Offer } | { kind: Exclude<FencedOfferOutcome, 'offered'> }> {
    const rows = await runPrepared<FencedOfferRow>(db, OFFER_IF_UNCHANGED_STATEMENT, [
      offer.tripId, offer.driverId, offer.seenOfferCount, offer.decisionIndex, offer.timeoutSeconds, offer.score,
      allowedFrom('offer_made'), targetOf('offer_made'),
    ]);
    const outcome = fencedOfferOutcome(offer.tripId, rows);
    return outcome.kind === 'offered' ? { kind: 'offered', trip: toTrip(outcome.made.trip), offer: outcome.made.offer } : outcome;
  }

  async find(db: EntityManager, id: string): Promise<Offer | undefined> {
    const rows: OfferRow[] = await db.query(`SELECT * FROM offers WHERE id = $1`, [id]);
    return rows[0] && toOffer(rows[0]);
  }

  async lock(db: EntityManager, id: string): Promise<Offer | undefined> {
    const rows: OfferRow[] = await db.query(`SELECT * FROM offers WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] && toOffer(rows[0]);
  }

  /** True when the pending offer's deadline has passed by the database's clock. */
  async isPastDeadline(db: EntityManager, id: string): Promise<boolean> {
    const rows: { past: boolean }[] = await db.query(`SELECT expires_at <= now() AS past FROM offers WHERE id = $1`, [id]);
    return rows[0]?.past ?? false;
  }

  /** Moves a pending offer to its answer; false when it was no longer pending. */
  async close(db: EntityManager, id: string, state: Exclude<OfferState, 'pending'>, reason?: string): Promise<boolean> {
    const rows = returnedRows(
      await db.query(
        `UPDATE offers SET state = $2, answered_at = now(), reason = $3 WHERE id = $1 AND state = 'pending' RETURNING id`,
        [id, state, reason ?? null],
      ),
    );
    return rows.length > 0;
  }

  async pendingForTrip(db: EntityManager, tripId: string): Promise<Offer | undefined> {
    const rows: OfferRow[] = await db.query(`SELECT * FROM offers WHERE trip_id = $1 AND state = 'pending'`, [tripId]);
    return rows[0] && toOffer(rows[0]);
  }

  /** Which of the given drivers hold a pending offer. */
  async driversWithPendingOffers(db: EntityManager, driverIds: readonly string[]): Promise<Set<string>> {
    if (!driverIds.length) return new Set();
    const rows: { driver_id: string }[] = await db.query(`SELECT driver_id FROM offers WHERE driver_id = ANY($1) AND state = 'pending'`, [driverIds]);
    return new Set(rows.map((r) => r.driver_id));
  }

  async pendingForDriver(db: EntityManager, driverId: string): Promise<Offer | undefined> {
    const rows: OfferRow[] = await db.query(`SELECT * FROM offers WHERE driver_id = $1 AND state = 'pending'`, [driverId]);
    return rows[0] && toOffer(rows[0]);
  }

  /** For each of the given trips, the drivers already asked. */
  async driversAlreadyAskedFor(db: EntityManager, tripIds: readonly string[]): Promise<Map<string, string[]>> {
    const asked = new Map(tripIds.map((id) => [id, [] as string[]]));
    if (!tripIds.length) return asked;
    const rows: { trip_id: string; driver_id: string }[] = await db.query(
      `SELECT DISTINCT trip_id, driver_id FROM offers WHERE trip_id = ANY($1)`,
      [tripIds],
    );
    for (const row of rows) asked.get(row.trip_id)?.push(row.driver_id);
    return asked;
  }

  /** Drivers who already had an offer for this trip: they are not asked twice. */
  async driversAlreadyAsked(db: EntityManager, tripId: string): Promise<string[]> {
    const rows: { driver_id: string }[] = await db.query(`SELECT DISTINCT driver_id FROM offers WHERE trip_id = $1`, [tripId]);
    return rows.map((r) => r.driver_id);
  }

  /**
   * Of the given drivers, those who are busy by the database's word: holding a pending
   * offer, or on a trip. The index's status is a hint; this is the truth.
   */
  async busyAmong(db: EntityManager, driverIds: readonly string[]): Promise<Map<string, 'holding_offer' | 'on_trip'>> {
    if (driverIds.length === 0) return new Map();
    const rows = await runPrepared<{ driver_id: string; why: 'holding_offer' | 'on_trip' }>(db, BUSY_AMONG_STATEMENT, [driverIds]);
    return new Map(rows.map((r) => [r.driver_id, r.why]));
  }

  /** Pending offers whose deadline passed `graceSeconds` ago (their deadline job was lost). */
  async overdue(db: EntityManager, graceSeconds: number, limit: number): Promise<Offer[]> {
    const rows: OfferRow[] = await db.query(
      `SELECT * FROM offers WHERE state = 'pending' AND expires_at < now() - make_interval(secs => $1) LIMIT $2`,
      [graceSeconds, limit],
    );
    return rows.map(toOffer);
  }
}
