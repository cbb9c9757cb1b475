import { DispatchService } from '../../dispatch/src/offers/dispatch.service';
import { DispatchSteps, DriverTaken } from '../../dispatch/src/offers/dispatch-steps';
import { OfferDeadlines } from '../../dispatch/src/offers/offer-deadlines';
import { TripsRepository } from '../../dispatch/src/trips/trips.repository';
import { DataSource } from 'typeorm';
import { PRESENCE_TTL_SECONDS } from '../../dispatch/src/presence/presence.constants';
import { PresenceStore } from '../../dispatch/src/presence/presence.store';
import { Queues } from '../../dispatch/src/jobs/queues';
import { queueNames } from '../../dispatch/src/jobs/queue-names';
import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

type Driver = Awaited<ReturnType<TestSystem['onlineDriver']>>;

/**
 * Races the database must decide: two drivers on one trip, a rider's cancel against a
 * driver's accept, an accept against the deadline, and a driver's double tap. Each round
 * is fired concurrently, then the end state is checked for consistency.
 */
describe('races', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** The trip's history is one chain: each event starts where the previous one ended, and ends where the trip is. */
  async function expectCoherentHistory(tripId: string): Promise<void> {
    const events = await system.sql<{ type: string; from_status: string | null; to_status: string }>(
      'SELECT type, from_status, to_status FROM trip_events WHERE trip_id = $1 ORDER BY id',
      [tripId],
    );
    let status: string | null = null;
    for (const e of events) {
      expect({ type: e.type, from: e.from_status }).toEqual({ type: e.type, from: status });
      status = e.to_status;
    }
    expect(status).toBe(await system.tripStatus(tripId));
  }

  it('lets exactly one of two drivers take a trip: the one whose offer is live', async () => {
    const drivers = new Map<string, Driver>();
    for (let i = 0; i < 2; i++) {
      const d = await system.onlineDriver(area(1));
      drivers.set(d.memberId, d);
    }
    const { tripId, rider } = await system.requestTrip(undefined, area(1), near(area(1)));
    const first = await system.pendingOffer(tripId, 1);
    const firstDriver = drivers.get(first.driverId)!;
    expect(await firstDriver.socket.call('offer:decline', { offerId: first.id })).toEqual({ ok: true });
    const second = await system.pendingOffer(tripId, 2);
    const secondDriver = drivers.get(second.driverId)!;
    expect(secondDriver).not.toBe(firstDriver);

    // The first driver changes their mind with the old offer at the very moment the second accepts.
    const [late, live, stolen] = await Promise.all([
      firstDriver.socket.call('offer:accept', { offerId: first.id }),
      secondDriver.socket.call('offer:accept', { offerId: second.id }),
      firstDriver.socket.call('offer:accept', { offerId: second.id }),
    ]);
    expect(live).toMatchObject({ ok: true, trip: { tripId, status: 'matched' } });
    expect(late).toMatchObject({ ok: false, error: { code: 'OFFER_ALREADY_ANSWERED' } });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'NOT_YOUR_OFFER' } });

    const [trip] = await system.sql<{ status: string; driver_id: string }>('SELECT status, driver_id FROM trips WHERE id = $1', [tripId]);
    expect(trip).toEqual({ status: 'matched', driver_id: second.driverId });
    expect((await system.offers(tripId)).map((o) => o.state)).toEqual(['declined', 'accepted']);
    await expectCoherentHistory(tripId);
    expect((await system.http('POST', `/v1/trips/${tripId}/cancel`, { token: rider.token, body: {} })).status).toBe(200);
  });

  it('decides a rider cancel racing the driver accept the same way in the database and in the answers, round after round', async () => {
    const ROUNDS = 16;
    const driver = await system.onlineDriver(area(2));
    const rider = await system.member('rider');
    const outcomes = { acceptWon: 0, cancelWon: 0 };

    for (let round = 0; round < ROUNDS; round++) {
      const { tripId } = await system.requestTrip(rider, area(2), near(area(2)));
      const offer = await system.pendingOffer(tripId, 1);
      expect(offer.driverId).toBe(driver.memberId);

      const accept = () => driver.socket.call('offer:accept', { offerId: offer.id });
      const cancel = () => system.http('POST', `/v1/trips/${tripId}/cancel`, { token: rider.token, body: { reason: `round ${round}` } });
      // The HTTP cancel is served quicker than the socket accept: fired together the cancel
      // nearly always wins, with the accept a millisecond or two ahead the accept mostly does.
      // Varying that head start spreads the rounds over both interleavings; it waits for no result.
      const headStartMs = [0, 0, 1, 2][round % 4];
      const [accepted, cancelled] = await Promise.all([accept(), new Promise((r) => setTimeout(r, headStartMs)).then(cancel)]);

      // A rider may cancel a matched trip too, so the cancel always succeeds.
      expect(cancelled).toMatchObject({ status: 200, body: { tripId, status: 'cancelled' } });
      const [trip] = await system.sql<{ status: string; driver_id: string | null }>('SELECT status, driver_id FROM trips WHERE id = $1', [tripId]);
      const offers = await system.offers(tripId);
      expect(trip.status).toBe('cancelled');
      expect(offers).toHaveLength(1);
      if (accepted.ok) {
        outcomes.acceptWon++;
        expect(accepted).toMatchObject({ trip: { tripId, status: 'matched' } });
        expect(trip.driver_id).toBe(driver.memberId);
        expect(offers[0].state).toBe('accepted');
        expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_accepted', 'cancelled']);
        await driver.socket.next('trip:updated', (u) => u.tripId === tripId && u.status === 'cancelled');
      } else {
        outcomes.cancelWon++;
        expect(['TRIP_CANCELLED', 'OFFER_REVOKED']).toContain(accepted.error.code);
        expect(trip.driver_id).toBeNull();
        expect(offers[0]).toMatchObject({ state: 'revoked', reason: 'trip_cancelled' });
        expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'cancelled']);
        await driver.socket.next('offer:revoked', (r) => r.offerId === offer.id && r.reason === 'trip_cancelled');
      }
      await expectCoherentHistory(tripId);
    }
    // Never both: no trip ended with an accepted offer and a revoked one, or two accepted.
    const bad = await system.sql(
      `SELECT trip_id FROM offers GROUP BY trip_id
        HAVING count(*) FILTER (WHERE state = 'accepted') > 1
            OR (count(*) FILTER (WHERE state = 'accepted') > 0 AND count(*) FILTER (WHERE state = 'revoked') > 0)`,
    );
    expect(bad).toEqual([]);
    expect(outcomes.acceptWon + outcomes.cancelWon).toBe(ROUNDS);
  });

  it('answers a double tap on accept once: one ok, the other OFFER_ALREADY_ANSWERED', async () => {
    const driver = await system.onlineDriver(area(3));
    const { tripId } = await system.requestTrip(undefined, area(3), near(area(3)));
    const offer = await system.pendingOffer(tripId, 1);
    const answers = await Promise.all([
      driver.socket.call('offer:accept', { offerId: offer.id }),
      driver.socket.call('offer:accept', { offerId: offer.id }),
      driver.socket.call('offer:accept', { offerId: offer.id }),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => a.error.code)).toEqual(['OFFER_ALREADY_ANSWERED', 'OFFER_ALREADY_ANSWERED']);
    expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_accepted']);
    await expectCoherentHistory(tripId);
  });

  it('refuses an accept after the deadline with OFFER_EXPIRED, even when the deadline job has not run yet, and lapses the offer once', async () => {
    const drivers = new Map<string, Driver>();
    for (let i = 0; i < 2; i++) {
      const d = await system.onlineDriver(area(4));
      drivers.set(d.memberId, d);
    }
    const { tripId } = await system.requestTrip(undefined, area(4), near(area(4)));
    const first = await system.pendingOffer(tripId, 1);
    const late = drivers.get(first.driverId)!;
    await late.socket.next('offer', (o) => o.offerId === first.id);
    // The deadline passes (by the database's clock, the one that counts) while the job is
    // still queued for later, as when Redis lags: the accept itself must see the offer is dead.
    await system.sql(`UPDATE offers SET expires_at = now() - interval '1 second' WHERE id = $1`, [first.id]);

    // And the deadline job fires at that same moment.
    const [answer] = await Promise.all([
      late.socket.call('offer:accept', { offerId: first.id }),
      system.nest.get(OfferDeadlines).reschedule(first.id, 0, 1),
    ]);
    expect(answer).toMatchObject({ ok: false, error: { code: 'OFFER_EXPIRED' } });
    expect(await late.socket.next('offer:revoked', (r) => r.offerId === first.id)).toEqual({ offerId: first.id, reason: 'expired' });

    const second = await system.pendingOffer(tripId, 2);
    expect(second.driverId).not.toBe(first.driverId);
    expect(await drivers.get(second.driverId)!.socket.call('offer:accept', { offerId: second.id })).toMatchObject({ ok: true });
    // Asked again, the late driver still hears OFFER_EXPIRED: the answer does not depend on who expired it.
    expect(await late.socket.call('offer:accept', { offerId: first.id })).toMatchObject({ ok: false, error: { code: 'OFFER_EXPIRED' } });
    expect((await system.offers(tripId)).map((o) => o.state)).toEqual(['expired', 'accepted']);
    expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_expired', 'offer_made', 'offer_accepted']);
    await expectCoherentHistory(tripId);
  });

  it('gives two trips requested at the same moment a driver each at once, though both decisions pick the same best driver first', async () => {
    const drivers = new Map<string, Driver>();
    for (let i = 0; i < 2; i++) {
      const d = await system.onlineDriver(area(5));
      drivers.set(d.memberId, d);
    }
    const [riderA, riderB] = await Promise.all([system.member('rider'), system.member('rider')]);
    // With the sweeper paused, only the request's own dispatch step (and its retry after
    // losing the driver) can make these offers: no timing assumption needed.
    const sweeps = system.nest.get(Queues).queue(queueNames.dispatchSweep);
    await sweeps.pause();
    const quote = async (rider: { token: string }) =>
      (await system.http('POST', '/v1/quotes', { token: rider.token, body: { kind: 'ride', pickup: area(5), dropoff: near(area(5)) } })).body.quoteId;
    const [quoteA, quoteB] = await Promise.all([quote(riderA), quote(riderB)]);
    const [tripA, tripB] = await Promise.all([
      system.http('POST', '/v1/trips', { token: riderA.token, body: { quoteId: quoteA } }),
      system.http('POST', '/v1/trips', { token: riderB.token, body: { quoteId: quoteB } }),
    ]);
    const [a, b] = await Promise.all([system.pendingOffer(tripA.body.tripId, 1), system.pendingOffer(tripB.body.tripId, 1)]);
    expect(new Set([a.driverId, b.driverId])).toEqual(new Set(drivers.keys()));
    await sweeps.resume();
    // The decision that lost the driver was committed to the log before its offer failed (the
    // log is durable before any offer), so it stays: a decision that led to no offer. The log
    // stays gap-free, and each offer points at a leaf whose sealed full record is about its trip.
    const leaves = await system.sql<{ index: string; trip_id: string | null }>('SELECT index, trip_id FROM log_leaves ORDER BY index');
    expect(leaves.map((l) => Number(l.index))).toEqual(leaves.map((_, i) => i));
    const pointers = await system.sql<{ offer: string; trip: string; named: string; leafTrip: string }>(
      `SELECT o.id AS offer, o.trip_id::text AS trip, d.record::jsonb #>> '{request,requestId}' AS named, l.trip_id::text AS "leafTrip"
       FROM offers o JOIN log_leaves l ON l.index = o.decision_index JOIN log_leaf_disclosures d ON d.index = l.index
       WHERE o.id = ANY($1)`,
      [[a.id, b.id]],
    );
    expect(pointers).toHaveLength(2);
    for (const p of pointers) expect([p.named, p.leafTrip]).toEqual([p.trip, p.trip]);
    // Every decision logged for these two trips is either the one its offer points at or one
    // that led to no offer (each trip has exactly one offer).
    const forTrips = leaves.filter((l) => l.trip_id === tripA.body.tripId || l.trip_id === tripB.body.tripId);
    expect(forTrips.length).toBeGreaterThanOrEqual(2);
    const offered = await system.sql<{ n: string }>('SELECT count(*) AS n FROM offers WHERE trip_id = ANY($1)', [[tripA.body.tripId, tripB.body.tripId]]);
    expect(Number(offered[0].n)).toBe(2);
  });

  it('does not lose a free driver to a late availability write (an accept\'s "on trip" landing after the cancel\'s "free")', async () => {
    const driver = await system.onlineDriver(area(6));
    const rider = await system.member('rider');
    const first = await system.requestTrip(rider, area(6), near(area(6)));
    const offer = await system.pendingOffer(first.tripId, 1);
    expect(await driver.socket.call('offer:accept', { offerId: offer.id })).toMatchObject({ ok: true });
    expect((await system.http('POST', `/v1/trips/${first.tripId}/cancel`, { token: rider.token, body: {} })).status).toBe(200);
    // The accept's presence write arrives last, as it can when the accept and the cancel ran
    // on two processes: Redis now says "on trip" while the database says the driver is free.
    await system.until(async () => (await system.nest.get(PresenceStore).get(driver.memberId))?.availability === 'free');
    await system.nest.get(PresenceStore).setAvailability(driver.memberId, 'on_trip', Date.now(), PRESENCE_TTL_SECONDS, {
      trip: { tripId: first.tripId, riderId: rider.memberId },
    });

    const next = await system.requestTrip(rider, area(6), near(area(6)));
    expect((await system.pendingOffer(next.tripId, 1)).driverId).toBe(driver.memberId);
  });

  it('makes one offer of steps that decided for one trip at once; a step that read the trip before it moved on writes nothing', async () => {
    const sweeps = system.nest.get(Queues).queue(queueNames.dispatchSweep);
    await sweeps.pause();
    try {
      const dispatch = system.nest.get(DispatchService);
      const trips = system.nest.get(TripsRepository);
      const db = system.nest.get(DataSource);
      // No driver yet: the request's own step finds no candidate and the trip waits, unoffered.
      const { tripId, rider } = await system.requestTrip(undefined, area(7), near(area(7)));
      expect(await system.tripEvents(tripId)).toEqual(['requested']);
      const beforeOffer = (await trips.find(db.manager, tripId))!;
      const driver = await system.onlineDriver(area(7));

      // Two steps at once: each decides and logs; the fence lets one offer through.
      const kinds = await Promise.all([dispatch.dispatch(tripId), dispatch.dispatch(tripId)]);
      expect(kinds.filter((k) => k === 'offered')).toHaveLength(1);
      expect(kinds.filter((k) => k !== 'offered').every((k) => k === 'superseded' || k === 'idle')).toBe(true);
      const [offer] = await system.offers(tripId);
      expect(await system.offers(tripId)).toEqual([{ ...offer, driverId: driver.memberId, attempt: 1, state: 'pending' }]);
      // Every step that decided logged its decision, the superseded one included.
      const decided = kinds.filter((k) => k !== 'idle').length;
      expect(await system.sql(`SELECT index FROM log_leaves WHERE trip_id = $1`, [tripId])).toHaveLength(decided);

      // A step that read the trip before that offer: the trip is offered now, so nothing is written.
      const steps = system.nest.get(DispatchSteps);
      const other = await system.onlineDriver(area(8));
      expect(await steps.offerIfUnchanged(beforeOffer, { driverId: other.memberId, score: null }, Promise.resolve(0))).toBeUndefined();
      // Declined, the trip waits again (its one driver was asked), with one offer counted:
      // a read from before the offer is still stale, though the status is `requested` again.
      expect(await driver.socket.call('offer:decline', { offerId: offer.id })).toEqual({ ok: true });
      await system.until(async () => (await system.tripEvents(tripId)).at(-1) === 'offer_declined');
      await system.until(async () => (await trips.find(db.manager, tripId))!.status === 'requested');
      expect(await steps.offerIfUnchanged(beforeOffer, { driverId: other.memberId, score: null }, Promise.resolve(0))).toBeUndefined();
      expect((await system.offers(tripId)).map((o) => o.state)).toEqual(['declined']);

      // A fresh read, but the chosen driver holds another trip's offer: DriverTaken, nothing written.
      const elsewhere = await system.requestTrip(undefined, area(8), near(area(8)));
      await system.pendingOffer(elsewhere.tripId, 1);
      const fresh = (await trips.find(db.manager, tripId))!;
      await expect(steps.offerIfUnchanged(fresh, { driverId: other.memberId, score: null }, Promise.resolve(0))).rejects.toBeInstanceOf(DriverTaken);
      expect((await system.offers(tripId)).map((o) => o.state)).toEqual(['declined']);
      await expectCoherentHistory(tripId);
      expect((await system.http('POST', `/v1/trips/${tripId}/cancel`, { token: rider.token, body: {} })).status).toBe(200);
      expect((await system.http('POST', `/v1/trips/${elsewhere.tripId}/cancel`, { token: elsewhere.rider.token, body: {} })).status).toBe(200);
    } finally {
      await sweeps.resume();
    }
  });
});
