import { Queues } from '../../dispatch/src/jobs/queues';
import { queueNames } from '../../dispatch/src/jobs/queue-names';
import { TestSystem } from './system.harness';

describe('one trip end to end', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('serves a trip from quote to completion, over HTTP and socket.io', async () => {
    const driver = await system.onlineDriver();
    const rider = await system.member('rider');
    const riderSocket = await system.socket('/riders', rider.token);
    const { tripId, quote } = await system.requestTrip(rider);
    expect(quote.fare).toEqual({ amount: expect.any(Number), currency: 'CAD' });
    expect(quote.policyHash).toMatch(/^[0-9a-f]{64}$/);
    // The first offer commits with the trip: it is stored by the time the request is answered,
    // and its decision is already in the log.
    const stored = await system.sql<{ state: string; decision_index: string }>('SELECT state, decision_index FROM offers WHERE trip_id = $1', [tripId]);
    expect(stored).toEqual([{ state: 'pending', decision_index: expect.any(String) }]);
    expect(await system.sql('SELECT kind FROM log_leaves WHERE index = $1 AND trip_id = $2', [stored[0].decision_index, tripId])).toEqual([{ kind: 'dispatch_decision' }]);

    const offer = await driver.socket.next('offer', (o) => o.tripId === tripId);
    expect(offer.decisionIndex).toBe(Number(stored[0].decision_index));
    expect(offer).toMatchObject({ tripId, kind: 'ride', fare: quote.fare, decisionIndex: expect.any(Number) });
    expect(Date.parse(offer.expiresAt)).toBeGreaterThan(Date.now());

    const accepted = await driver.socket.call('offer:accept', { offerId: offer.offerId });
    expect(accepted).toMatchObject({ ok: true, trip: { tripId, status: 'matched' } });
    await riderSocket.next('trip:updated', (u) => u.tripId === tripId && u.status === 'matched');

    await driver.socket.call('driver:location', { lat: 45.502, lng: -73.568, at: new Date().toISOString() });
    expect(await riderSocket.next('driver:location', (l) => l.tripId === tripId)).toMatchObject({ lat: 45.502 });

    expect(await driver.socket.call('trip:arrived', { tripId })).toMatchObject({ ok: true, trip: { status: 'arrived' } });
    expect(await driver.socket.call('trip:started', { tripId })).toMatchObject({ ok: true, trip: { status: 'in_progress' } });
    const done = await driver.socket.call('trip:completed', { tripId, distanceMeters: 2600, durationSeconds: 540 });
    expect(done).toMatchObject({ ok: true, trip: { status: 'completed', finalFare: { currency: 'CAD' } } });
    await riderSocket.next('trip:updated', (u) => u.tripId === tripId && u.status === 'completed');

    const view = await system.http('GET', `/v1/trips/${tripId}`, { token: rider.token });
    expect(view.body).toMatchObject({ tripId, status: 'completed', driver: { memberId: driver.memberId } });

    const history = await system.sql<{ type: string }>('SELECT type FROM trip_events WHERE trip_id = $1 ORDER BY id', [tripId]);
    expect(history.map((h) => h.type)).toEqual(['requested', 'offer_made', 'offer_accepted', 'driver_arrived', 'trip_started', 'trip_completed']);
    const leaves = await system.sql<{ index: string; kind: string }>('SELECT index, kind FROM log_leaves WHERE trip_id = $1', [tripId]);
    expect(leaves).toEqual([{ index: String(offer.decisionIndex), kind: 'dispatch_decision' }]);
    await system.until(async () => (await system.sql(`SELECT 1 FROM outbox WHERE topic = 'trip.completed' AND published_at IS NOT NULL`)).length === 1);
  });

  it('writes trip.requested with the request and relays it to the trip-events queue', async () => {
    const rider = await system.member('rider');
    const { tripId, quote } = await system.requestTrip(rider);
    const [event] = await system.sql<{ id: string; payload: Record<string, unknown> }>(
      `SELECT id, payload FROM outbox WHERE topic = 'trip.requested' AND payload->>'tripId' = $1`, [tripId],
    );
    const [trip] = await system.sql<{ vehicle_kind: string; policy_version: number }>('SELECT vehicle_kind, policy_version FROM trips WHERE id = $1', [tripId]);
    const expected = {
      tripId, riderId: rider.memberId, quoteId: quote.quoteId, kind: 'ride', vehicleKind: trip.vehicle_kind,
      fareAmount: String(quote.fare.amount), currency: 'CAD', policyVersion: trip.policy_version, policyHash: quote.policyHash,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    };
    expect(event.payload).toEqual(expected);

    await system.until(async () => (await system.sql(`SELECT 1 FROM outbox WHERE id = $1 AND published_at IS NOT NULL`, [event.id])).length === 1);
    const job = await system.nest.get(Queues).queue(queueNames.tripEvents).getJob(`outbox-${event.id}`);
    expect(job?.name).toBe('trip.requested');
    expect(job?.data).toEqual({ outboxId: event.id, ...expected });
  });
});
