import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Money } from '@coop/money';

/** A rider's tip as recorded by the tip route: the durable `trip.tipped` event. */
export interface TipRequest {
  tripId: string;
  riderId: string;
  driverId: string;
  tip: Money;
  requestedAt: Date;
  publishedAt: Date | null;
}

interface Row {
  trip_id: string;
  rider_id: string;
  driver_id: string;
  amount: string;
  currency: string;
  requested_at: Date;
  published_at: Date | null;
}

function toRequest(row: Row): TipRequest {
  return {
    tripId: row.trip_id,
    riderId: row.rider_id,
    driverId: row.driver_id,
    tip: { amount: BigInt(row.amount), currency: row.currency.trim() },
    requestedAt: row.requested_at,
    publishedAt: row.published_at,
  };
}

/**
 * ledger_tip_requests (migration 1763900000850): one row per tipped trip, which is also the
 * outbox of `trip.tipped`: unpublished rows are relayed to the queue, then marked.
 */
@Injectable()
export class TipRequestsRepository {
  constructor(private readonly db: DataSource) {}

  /** Records the tip unless the trip has one; returns the row that holds (ours, or the first). */
  async record(r: Omit<TipRequest, 'requestedAt' | 'publishedAt'>): Promise<{ created: boolean; request: TipRequest }> {
    const inserted: Row[] = await this.db.query(
      `INSERT INTO ledger_tip_requests (trip_id, rider_id, driver_id, amount, currency) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (trip_id) DO NOTHING RETURNING *`,
      [r.tripId, r.riderId, r.driverId, r.tip.amount.toString(), r.tip.currency],
    );
    if (inserted[0]) return { created: true, request: toRequest(inserted[0]) };
    return { created: false, request: (await this.find(r.tripId))! };
  }

  async find(tripId: string): Promise<TipRequest | undefined> {
    const rows: Row[] = await this.db.query(`SELECT * FROM ledger_tip_requests WHERE trip_id = $1`, [tripId]);
    return rows[0] && toRequest(rows[0]);
  }

  /**
   * Hands up to `limit` unpublished tips, oldest first, to `publish` and marks them published
   * in the same transaction; rows another relay holds are skipped. If `publish` throws
   * (Redis down), nothing is marked and the rows stay for the next run.
   */
  async relay(limit: number, publish: (requests: TipRequest[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (m) => {
      const rows: Row[] = await m.query(
        `SELECT * FROM ledger_tip_requests WHERE published_at IS NULL ORDER BY requested_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await publish(rows.map(toRequest));
      await m.query(`UPDATE ledger_tip_requests SET published_at = now() WHERE trip_id = ANY($1)`, [rows.map((r) => r.trip_id)]);
      return rows.length;
    });
  }
}
