import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An offer written by one statement that fences itself, so a dispatch step holds no connection
 * while its decision is being logged.
 *
 * A step used to lock the trip's row (or run inside the request's own transaction) and keep
 * that connection through the decision's group commit to the transparency log: ~135 ms of the
 * ten pooled connections per request under a Friday's load, the queue every request stood in
 * (load-tests/RESULTS.md, 2026-12-07). Now a step reads the trip without a lock, decides, logs,
 * and only then writes the offer with trip_offer_if_unchanged, which locks the trip and writes
 * only if it is still in a status it may be offered from with the offer count the step read:
 * every offer adds one to that count, so an unchanged count means no other step offered the
 * trip meanwhile (even one that was declined since), and a changed status means the rider
 * cancelled or the search ended. A step that loses the fence writes nothing; its decision
 * stays in the log as one that led to no offer, as a DriverTaken's always did.
 *
 * o_outcome: 'offered' (o_trip and o_offer are the rows written), 'driver_taken' (the driver
 * holds another pending offer: ON CONFLICT on offers_one_pending_per_driver, nothing written),
 * or 'trip_moved_on' (the fence failed, nothing written). The statuses come from the caller's
 * state machine (trip-state-machine.ts), as in the functions of migration 865.
 */
export class OfferIfTripUnchanged1763900000866 implements MigrationInterface {
  name = 'OfferIfTripUnchanged1763900000866';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION trip_offer_if_unchanged(
        p_trip uuid, p_driver uuid, p_offer_count integer, p_decision bigint,
        p_timeout_s float8, p_score float8, p_from text[], p_to text
      ) RETURNS TABLE (o_outcome text, o_trip trips, o_offer offers) LANGUAGE plpgsql AS $$
      DECLARE
        v_status text;
        v_count integer;
      BEGIN
        SELECT status, offer_count INTO v_status, v_count FROM trips WHERE id = p_trip FOR UPDATE;
        IF NOT FOUND OR NOT (v_status = ANY(p_from)) OR v_count <> p_offer_count THEN
          o_outcome := 'trip_moved_on';
          RETURN NEXT;
          RETURN;
        END IF;
        INSERT INTO offers (trip_id, driver_id, attempt, state, decision_index, expires_at)
        VALUES (p_trip, p_driver, p_offer_count + 1, 'pending', p_decision, now() + make_interval(secs => p_timeout_s))
        ON CONFLICT (driver_id) WHERE state = 'pending' DO NOTHING
        RETURNING * INTO o_offer;
        IF NOT FOUND THEN
          o_outcome := 'driver_taken';
          RETURN NEXT;
          RETURN;
        END IF;
        UPDATE trips SET status = p_to, updated_at = now(), offer_count = offer_count + 1
         WHERE id = p_trip
        RETURNING * INTO o_trip;
        INSERT INTO trip_events (trip_id, type, from_status, to_status, data)
        VALUES (p_trip, 'offer_made', v_status, p_to,
                jsonb_build_object('offerId', o_offer.id, 'driverId', p_driver, 'decisionIndex', p_decision, 'score', p_score));
        o_outcome := 'offered';
        RETURN NEXT;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION trip_offer_if_unchanged(uuid, uuid, integer, bigint, float8, float8, text[], text)`);
  }
}
