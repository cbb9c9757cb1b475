import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

/**
 * The trip request is one statement (apps/dispatch/src/trips/trip-request.ts): these check
 * each of its answers against the database, and that a refusal writes nothing, not even a
 * decision in the log.
 */
describe('trip request from a quote', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
    await system.onlineDriver(area(3));
  });
  afterAll(() => system?.stop());

  const quoteFor = async (rider: { token: string }) => {
    const quote = await system.http('POST', '/v1/quotes', { token: rider.token, body: { kind: 'ride', pickup: area(3), dropoff: near(area(3)) } });
    expect(quote.status).toBe(201);
    return quote.body.quoteId as string;
  };
  const request = (rider: { token: string }, quoteId: string) => system.http('POST', '/v1/trips', { token: rider.token, body: { quoteId } });

  it('boots with the whole pool open and warmed by runs that wrote nothing (PoolWarmup)', async () => {
    // Every connection of the app's pool (10) stays open: warmed at boot, and never closed for idling.
    const open = await system.sql(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'coop-dispatch'`,
    );
    expect(open[0].n).toBeGreaterThanOrEqual(10);
    expect(await system.sql(`SELECT 1 FROM trips`)).toHaveLength(0);
    expect(await system.sql(`SELECT 1 FROM trip_events`)).toHaveLength(0);
    expect(await system.sql(`SELECT 1 FROM outbox WHERE topic = 'trip.requested'`)).toHaveLength(0);
  });

  it('answers the same trip (200) when the quote made one already, and writes it once', async () => {
    const rider = await system.member('rider');
    const quoteId = await quoteFor(rider);
    const first = await request(rider, quoteId);
    expect(first.status).toBe(201);
    const before = await system.counts();
    const again = await request(rider, quoteId);
    expect(again.status).toBe(200);
    expect(again.body.tripId).toBe(first.body.tripId);
    expect(await system.counts()).toEqual(before);
    const tripId = first.body.tripId as string;
    expect((await system.tripEvents(tripId))[0]).toBe('requested');
    expect(await system.sql(`SELECT 1 FROM outbox WHERE topic = 'trip.requested' AND payload->>'tripId' = $1`, [tripId])).toHaveLength(1);
    // Frees the driver, so that no offer of this trip lapses during the next tests.
    expect((await system.http('POST', `/v1/trips/${tripId}/cancel`, { token: rider.token, body: {} })).status).toBe(200);
  });

  it('refuses an expired quote with QUOTE_EXPIRED and writes nothing', async () => {
    const rider = await system.member('rider');
    const quoteId = await quoteFor(rider);
    await system.sql(`UPDATE quotes SET expires_at = now() - interval '1 second' WHERE id = $1`, [quoteId]);
    const before = await system.counts();
    const refused = await request(rider, quoteId);
    expect(refused.status).toBe(410);
    expect(refused.body.code).toBe('QUOTE_EXPIRED');
    expect(await system.counts()).toEqual(before);
  });

  it('of two requests racing on one quote, stores one trip with one history row, one event and one decision', async () => {
    const rider = await system.member('rider');
    const quoteId = await quoteFor(rider);
    const before = await system.counts(['trips', 'trip_events', 'outbox', 'log_leaves']);
    const answers = await Promise.all([request(rider, quoteId), request(rider, quoteId)]);
    // The loser either saw the winner's trip (200) or was refused by a unique index (409).
    expect(answers.map((a) => a.status).sort()).toEqual(expect.arrayContaining([201]));
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect([200, 409]).toContain(answer.status);
      if (answer.status === 409) expect(['QUOTE_ALREADY_USED', 'RIDER_HAS_ACTIVE_TRIP']).toContain(answer.body.code);
    }
    const trips = await system.sql<{ id: string }>('SELECT id FROM trips WHERE quote_id = $1', [quoteId]);
    expect(trips).toHaveLength(1);
    await system.pendingOffer(trips[0].id);
    expect(await system.tripEvents(trips[0].id)).toEqual(['requested', 'offer_made']);
    const after = await system.counts(['trips', 'trip_events', 'outbox', 'log_leaves']);
    // requested + offer_made; trip.requested; the decision that made the offer: the loser wrote nothing.
    expect(after).toEqual({ trips: before.trips + 1, trip_events: before.trip_events + 2, outbox: before.outbox + 1, log_leaves: before.log_leaves + 1 });
  });
});
