import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A driver's figures for the fairness term, this period. */
export interface PeriodActivity {
  onlineSeconds: number;
  /** Completed trips' final fares, minor units (see periodActivity). */
  earnedMinor: number;
}

/** Online sessions and period activity of drivers, for the fairness term. */
@Injectable()
export class DriverActivityRepository {
  constructor(private readonly db: DataSource) {}

  async startSession(driverId: string, at: Date): Promise<string> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO driver_online_sessions (driver_id, started_at, last_seen_at) VALUES ($1, $2, $2) RETURNING id`,
      [driverId, at],
    );
    return rows[0].id;
  }

  /** Moves a session's last sighting forward (never back: fixes arrive out of order). */
  async touchSession(sessionId: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE driver_online_sessions SET last_seen_at = greatest(last_seen_at, $2) WHERE id = $1`, [sessionId, at]);
  }

  /** touchSession for many sessions in one statement (the fix path batches them). */
  async touchSessions(touches: ReadonlyArray<{ sessionId: string; at: Date }>): Promise<void> {
    if (!touches.length) return;
    await this.db.query(
      `UPDATE driver_online_sessions s SET last_seen_at = greatest(s.last_seen_at, t.at)
         FROM unnest($1::bigint[], $2::timestamptz[]) AS t(id, at) WHERE s.id = t.id`,
      [touches.map((t) => t.sessionId), touches.map((t) => t.at)],
    );
  }

  /**
   * Online seconds and earnings since the period start, per driver. Earnings are completed
   * trips' final fares: the driver's share is the fare less a commission rate that is the
   * same for everyone, so comparing fares ranks drivers as comparing shares would.
   */
  async periodActivity(driverIds: readonly string[], periodStart: Date): Promise<Map<string, PeriodActivity>> {
    if (!driverIds.length) return new Map();
    const rows: { driver_id: string; online_seconds: string; earned_minor: string }[] = await this.db.query(
      `SELECT d.id AS driver_id,
         COALESCE((SELECT floor(sum(extract(epoch FROM s.last_seen_at - greatest(s.started_at, $2))))
                     FROM driver_online_sessions s WHERE s.driver_id = d.id AND s.last_seen_at > $2), 0) AS online_seconds,
         COALESCE((SELECT sum(t.final_fare_amount) FROM trips t
                    WHERE t.driver_id = d.id AND t.status = 'completed' AND t.completed_at >= $2), 0) AS earned_minor
       FROM unnest($1::uuid[]) AS d(id)`,
      [driverIds, periodStart],
    );
    return new Map(rows.map((r) => [r.driver_id, { onlineSeconds: Number(r.online_seconds), earnedMinor: Number(r.earned_minor) }]));
  }
}
