import { Injectable } from '@nestjs/common';
import { Queryable } from './pg-node-store';

/** What became of the trips requested in a time range, from the trips table. */
export interface TripOutcomeRows {
  requested: number;
  matched: number;
  completed: number;
  /** Seconds from request to match (the driver's accept), over matched trips; null when none. */
  waitSeconds: { median: number; p90: number; max: number } | null;
  perDriver: { driverId: string; trips: number; completed: number }[];
}

/**
 * Trip outcomes for the fairness report. They are not in the log (a decision is logged before
 * anyone knows whether the driver accepts), so they come from the trips table: figures the
 * server reports, which a member's verifier cannot check against the log.
 */
@Injectable()
export class TripOutcomesRepository {
  /** Trips requested in [startMs, endMs): counts, wait from request to match, trips per driver. */
  async between(db: Queryable, startMs: number, endMs: number): Promise<TripOutcomeRows> {
    const range = [new Date(startMs).toISOString(), new Date(endMs).toISOString()];
    const [totals]: { requested: string; matched: string; completed: string; median: number | null; p90: number | null; max: number | null }[] =
      await db.query(
        `WITH t AS (SELECT * FROM trips WHERE requested_at >= $1::timestamptz AND requested_at < $2::timestamptz),
              w AS (SELECT extract(epoch FROM matched_at - requested_at)::float8 AS s FROM t WHERE matched_at IS NOT NULL)
         SELECT (SELECT count(*) FROM t) AS requested,
                (SELECT count(*) FROM t WHERE matched_at IS NOT NULL) AS matched,
                (SELECT count(*) FROM t WHERE status = 'completed') AS completed,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM w) AS median,
                (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY s) FROM w) AS p90,
                (SELECT max(s) FROM w) AS max`,
        range,
      );
    const drivers: { driver_id: string; trips: string; completed: string }[] = await db.query(
      `SELECT driver_id, count(*) AS trips, count(*) FILTER (WHERE status = 'completed') AS completed
       FROM trips
       WHERE requested_at >= $1::timestamptz AND requested_at < $2::timestamptz AND matched_at IS NOT NULL AND driver_id IS NOT NULL
       GROUP BY driver_id`,
      range,
    );
    const round = (s: number) => Math.round(s * 10) / 10;
    return {
      requested: Number(totals.requested),
      matched: Number(totals.matched),
      completed: Number(totals.completed),
      waitSeconds:
        totals.median === null ? null : { median: round(totals.median), p90: round(totals.p90!), max: round(totals.max!) },
      perDriver: drivers.map((d) => ({ driverId: d.driver_id, trips: Number(d.trips), completed: Number(d.completed) })),
    };
  }
}
