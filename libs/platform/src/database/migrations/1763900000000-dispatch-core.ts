import { MigrationInterface, QueryRunner } from 'typeorm';

/** Members, policies, quotes, trips, offers, their history, idempotency keys and the outbox. */
export class DispatchCore1763900000000 implements MigrationInterface {
  name = 'DispatchCore1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE secrets (
        name text PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('rider', 'driver', 'admin', 'treasurer')),
        approved_at timestamptz,
        approved_by uuid REFERENCES members(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX members_email_key ON members (lower(email))`);
    await db.query(`
      CREATE TABLE policies (
        version integer PRIMARY KEY,
        hash text NOT NULL UNIQUE,
        document jsonb NOT NULL,
        effective_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE quotes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rider_id uuid NOT NULL REFERENCES members(id),
        kind text NOT NULL CHECK (kind IN ('ride', 'delivery')),
        vehicle_kind text NOT NULL CHECK (vehicle_kind IN ('car', 'bike', 'cargo_bike', 'van')),
        pickup_lat double precision NOT NULL,
        pickup_lng double precision NOT NULL,
        dropoff_lat double precision NOT NULL,
        dropoff_lng double precision NOT NULL,
        distance_m integer NOT NULL CHECK (distance_m >= 0),
        duration_s integer NOT NULL CHECK (duration_s >= 0),
        fare_amount bigint NOT NULL CHECK (fare_amount >= 0),
        currency char(3) NOT NULL,
        fare_breakdown jsonb NOT NULL,
        policy_version integer NOT NULL REFERENCES policies(version),
        policy_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE trips (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        quote_id uuid NOT NULL UNIQUE REFERENCES quotes(id),
        rider_id uuid NOT NULL REFERENCES members(id),
        kind text NOT NULL,
        vehicle_kind text NOT NULL,
        pickup_lat double precision NOT NULL,
        pickup_lng double precision NOT NULL,
        dropoff_lat double precision NOT NULL,
        dropoff_lng double precision NOT NULL,
        status text NOT NULL CHECK (status IN
          ('requested', 'offered', 'matched', 'arrived', 'in_progress', 'completed', 'cancelled', 'unfulfilled')),
        driver_id uuid REFERENCES members(id),
        fare_amount bigint NOT NULL,
        currency char(3) NOT NULL,
        policy_version integer NOT NULL REFERENCES policies(version),
        policy_hash text NOT NULL,
        offer_count integer NOT NULL DEFAULT 0,
        final_fare_amount bigint,
        distance_m integer,
        duration_s integer,
        cancel_reason text,
        cancelled_by text CHECK (cancelled_by IN ('rider', 'driver', 'system')),
        requested_at timestamptz NOT NULL DEFAULT now(),
        matched_at timestamptz,
        arrived_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        ended_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status NOT IN ('matched', 'arrived', 'in_progress', 'completed') OR driver_id IS NOT NULL)
      )`);
    // The database is the arbiter of races: a driver drives one trip at a time, a rider
    // waits for one trip at a time.
    await db.query(`CREATE UNIQUE INDEX trips_one_active_per_driver ON trips (driver_id)
      WHERE status IN ('matched', 'arrived', 'in_progress')`);
    await db.query(`CREATE UNIQUE INDEX trips_one_open_per_rider ON trips (rider_id)
      WHERE status IN ('requested', 'offered', 'matched', 'arrived', 'in_progress')`);
    await db.query(`CREATE INDEX trips_open ON trips (requested_at) WHERE status IN ('requested', 'offered')`);
    await db.query(`CREATE INDEX trips_by_driver ON trips (driver_id, requested_at)`);
    await db.query(`
      CREATE TABLE offers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trip_id uuid NOT NULL REFERENCES trips(id),
        driver_id uuid NOT NULL REFERENCES members(id),
        attempt integer NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'expired', 'revoked')),
        decision_index bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        answered_at timestamptz,
        reason text,
        UNIQUE (trip_id, attempt)
      )`);
    // A trip is offered to at most one driver at a time; a driver holds at most one offer.
    await db.query(`CREATE UNIQUE INDEX offers_one_pending_per_trip ON offers (trip_id) WHERE state = 'pending'`);
    await db.query(`CREATE UNIQUE INDEX offers_one_pending_per_driver ON offers (driver_id) WHERE state = 'pending'`);
    await db.query(`CREATE INDEX offers_by_driver ON offers (driver_id, created_at)`);
    await db.query(`
      CREATE TABLE trip_events (
        id bigserial PRIMARY KEY,
        trip_id uuid NOT NULL REFERENCES trips(id),
        type text NOT NULL,
        from_status text,
        to_status text,
        actor_id uuid,
        data jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX trip_events_by_trip ON trip_events (trip_id, id)`);
    await db.query(`
      CREATE TABLE idempotency_keys (
        member_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code integer,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, key)
      )`);
    // Events leave through the outbox in the same transaction as the change they describe,
    // then a relay hands them to BullMQ: a crash between the two loses nothing.
    await db.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await db.query(`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);
    await db.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await db.query(`CREATE TRIGGER trip_events_append_only BEFORE UPDATE OR DELETE ON trip_events
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'idempotency_keys', 'trip_events', 'offers', 'trips', 'quotes', 'policies', 'members', 'secrets']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`DROP FUNCTION IF EXISTS refuse_change()`);
  }
}
