import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Driver online sessions, for the fairness term's "earnings per online hour this period":
 * a session starts when a driver goes online and its last_seen_at moves forward (at most once
 * a minute) while fixes keep coming, so online time survives restarts and Redis loss.
 */
export class DriverOnlineSessions1763900000300 implements MigrationInterface {
  name = 'DriverOnlineSessions1763900000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE driver_online_sessions (
        id bigserial PRIMARY KEY,
        driver_id uuid NOT NULL REFERENCES members (id),
        started_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        CHECK (last_seen_at >= started_at)
      )`);
    await db.query(`CREATE INDEX driver_online_sessions_by_driver ON driver_online_sessions (driver_id, last_seen_at)`);
    await db.query(`CREATE INDEX trips_completed_by_driver ON trips (driver_id, completed_at) WHERE status = 'completed'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX trips_completed_by_driver`);
    await db.query(`DROP TABLE driver_online_sessions`);
  }
}
