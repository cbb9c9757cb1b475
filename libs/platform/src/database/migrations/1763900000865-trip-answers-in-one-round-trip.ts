import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A driver's accept, arrived, started and completed, each in one round trip.
 *
 * Each was a transaction of five to nine statements, and a node held its pooled connection
 * across all of them. Under a Friday's load every reply waits for a turn of an event loop busy
 * with thousands of location fixes a second, so a hand-out was held ~100 ms and the pool of
 * ten was the queue every request stood in (load-tests/RESULTS.md, "where the requests
 * queue"). These functions run the same steps, in the same order and with the same locks
 * (the trip row first, then the offer), inside the database: one statement, in its own
 * transaction, holding the connection for one round trip.
 *
 * A refusal is raised with SQLSTATE CP001 and the API's error code as its message (its detail,
 * where there is one, the trip's status), so it rolls back whatever the call did and the caller
 * reads the code back (trip-answers.ts). The statuses come from the caller's state machine
 * (trip-state-machine.ts), as every conditional UPDATE of trips does: the rules stay in one place.
 *
 * trip_accept_offer: the offer's driver takes its trip. The deadline is the database's clock;
 * a pending offer past it is refused as OFFER_EXPIRED_PENDING, and the caller lapses it (the
 * deadline job's path), so the lapse and its re-dispatch have one implementation.
 *
 * trip_advance: the trip's driver moves it on (arrived, started, completed), with the columns
 * that event sets (null: unchanged), the timestamp of the status it reaches, its history row,
 * and an outbox event when a topic is given, all in the one commit.
 */
export class TripAnswersInOneRoundTrip1763900000865 implements MigrationInterface {
  name = 'TripAnswersInOneRoundTrip1763900000865';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION trip_accept_offer(p_offer uuid, p_driver uuid, p_from text[], p_to text)
      RETURNS SETOF trips LANGUAGE plpgsql AS $$
      DECLARE
        v_offer offers;
        v_before text;
        v_trip trips;
      BEGIN
        SELECT * INTO v_offer FROM offers WHERE id = p_offer;
        IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = 'CP001', MESSAGE = 'OFFER_NOT_FOUND'; END IF;
        IF v_offer.driver_id <> p_driver THEN RAISE EXCEPTION USING ERRCODE = 'CP001', MESSAGE = 'NOT_YOUR_OFFER'; END IF;
        SELECT status INTO v_before FROM trips WHERE id = v_offer.trip_id FOR UPDATE;
        SELECT * INTO v_offer FROM offers WHERE id = p_offer FOR UPDATE;
        IF v_offer.state <> 'pending' THEN
          RAISE EXCEPTION USING ERRCODE = 'CP001', MESSAGE = CASE
            WHEN v_offer.state = 'revoked' AND v_before = 'cancelled' THEN 'TRIP_CANCELLED'
            WHEN v_offer.state = 'expired' THEN 'OFFER_EXPIRED'
            WHEN v_offer.state = 'revoked' THEN 'OFFER_REVOKED'
            ELSE 'OFFER_ALREADY_ANSWERED' END;
        END IF;
        IF v_offer.expires_at <= now() THEN
          RAISE EXCEPTION USING ERRCODE = 'CP001', MESSAGE = 'OFFER_EXPIRED_PENDING';
        END IF;
        UPDATE trips SET status = p_to, driver_id = p_driver, updated_at = now(), matched_at = now()
         WHERE id = v_offer.trip_id AND status = ANY(p_from)
        RETURNING * INTO v_trip;
        IF NOT FOUND THEN
          RAISE EXCEPTION USING ERRCODE = 'CP001',
            MESSAGE = CASE WHEN v_before = 'cancelled' THEN 'TRIP_CANCELLED' ELSE 'TRIP_ALREADY_MATCHED' END;
        END IF;
        UPDATE offers SET state = 'accepted', answered_at = now() WHERE id = p_offer;
        INSERT INTO trip_events (trip_id, type, from_status, to_status, actor_id, data)
        VALUES (v_trip.id, 'offer_accepted', v_before, p_to, p_driver, jsonb_build_object('offerId', p_offer));
        RETURN NEXT v_trip;
      END $$`);
    await db.query(`
      CREATE FUNCTION trip_advance(
        p_trip uuid, p_driver uuid, p_event text, p_from text[], p_to text,
        p_final_fare bigint, p_distance_m integer, p_duration_s integer, p_topic text, p_payload jsonb
      ) RETURNS SETOF trips LANGUAGE plpgsql AS $$
      DECLARE
        v_before trips;
        v_trip trips;
      BEGIN
        SELECT * INTO v_before FROM trips WHERE id = p_trip FOR UPDATE;
        IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = 'CP001', MESSAGE = 'TRIP_NOT_FOUND'; END IF;
        IF v_before.driver_id IS DISTINCT FROM p_driver THEN
          RAISE EXCEPTION USING ERRCODE = 'CP001', MESSAGE = 'NOT_YOUR_TRIP';
        END IF;
        UPDATE trips SET status = p_to, updated_at = now(),
               final_fare_amount = coalesce(p_final_fare, final_fare_amount),
               distance_m = coalesce(p_distance_m, distance_m),
               duration_s = coalesce(p_duration_s, duration_s),
               arrived_at = CASE WHEN p_to = 'arrived' THEN now() ELSE arrived_at END,
               started_at = CASE WHEN p_to = 'in_progress' THEN now() ELSE started_at END,
               completed_at = CASE WHEN p_to = 'completed' THEN now() ELSE completed_at END
         WHERE id = p_trip AND status = ANY(p_from)
        RETURNING * INTO v_trip;
        IF NOT FOUND THEN
          RAISE EXCEPTION USING ERRCODE = 'CP001', DETAIL = v_before.status,
            MESSAGE = CASE WHEN v_before.status = 'cancelled' THEN 'TRIP_CANCELLED' ELSE 'INVALID_TRANSITION' END;
        END IF;
        INSERT INTO trip_events (trip_id, type, from_status, to_status, actor_id)
        VALUES (p_trip, p_event, v_before.status, p_to, p_driver);
        IF p_topic IS NOT NULL THEN
          INSERT INTO outbox (topic, payload) VALUES (p_topic, p_payload);
        END IF;
        RETURN NEXT v_trip;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION trip_advance(uuid, uuid, text, text[], text, bigint, integer, integer, text, jsonb)`);
    await db.query(`DROP FUNCTION trip_accept_offer(uuid, uuid, text[], text)`);
  }
}
