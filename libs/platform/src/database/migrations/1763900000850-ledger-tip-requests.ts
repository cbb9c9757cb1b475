import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rider's tip as an event (apps/ledger/src/tips): the HTTP route validates the tip and
 * records it here; the row is the ledger's outbox for `trip.tipped`. A relay enqueues
 * unpublished rows to the `trip-events` queue and marks them published, so a tip recorded
 * before Redis or the process died is enqueued later; the worker posts `trip:<tripId>:tip`
 * idempotently. One tip per trip: the trip id is the primary key.
 */
export class LedgerTipRequests1763900000850 implements MigrationInterface {
  name = 'LedgerTipRequests1763900000850';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ledger_tip_requests (
        trip_id text PRIMARY KEY,
        rider_id text NOT NULL,
        driver_id text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        requested_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    // The relay's scan: unpublished rows only, oldest first.
    await db.query(`CREATE INDEX ledger_tip_requests_unpublished ON ledger_tip_requests (requested_at) WHERE published_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS ledger_tip_requests`);
  }
}
