import { Queues } from '../../dispatch/src/jobs/queues';
import { queueNames } from '../../dispatch/src/jobs/queue-names';
import { TestSystem, area, near } from './system.harness';

// Deadlines take seconds here; jest's project-level testTimeout is not honoured per project.
jest.setTimeout(30_000);

type Driver = Awaited<ReturnType<TestSystem['onlineDriver']>>;

/** Offers in the whole system: a decline, a deadline, and the policy's limit on offers per trip. */
describe('offers', () => {
  let system: TestSystem;
  const OFFER_TIMEOUT_SECONDS = 2;
  const MAX_OFFERS = 2;

  beforeAll(async () => {
    system = await TestSystem.start();
    // The default policy gives a driver 20 s; a test cannot wait that long for every deadline.
    await system.useMatchingPolicy({ offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS, maxOffersPerTrip: MAX_OFFERS });
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function driversAt(n: number, count: number): Promise<Map<string, Driver>> {
    const drivers = new Map<string, Driver>();
    for (let i = 0; i < count; i++) {
      const d = await system.onlineDriver(area(n));
      drivers.set(d.memberId, d);
    }
    return drivers;
  }

  it('re-offers a declined trip to the next driver, who can take it', async () => {
    const drivers = await driversAt(1, 2);
    const rider = await system.member('rider');
    const riderSocket = await system.socket('/riders', rider.token);
    const { tripId } = await system.requestTrip(rider, area(1), near(area(1)));

    const first = await system.pendingOffer(tripId, 1);
    const firstDriver = drivers.get(first.driverId)!;
    expect(await firstDriver.socket.next('offer', (o) => o.offerId === first.id)).toMatchObject({ tripId });
    expect(await firstDriver.socket.call('offer:decline', { offerId: first.id, reason: 'too far' })).toEqual({ ok: true });

    const second = await system.pendingOffer(tripId, 2);
    expect(second.driverId).not.toBe(first.driverId);
    const secondDriver = drivers.get(second.driverId)!;
    const offer = await secondDriver.socket.next('offer', (o) => o.offerId === second.id);
    expect(offer).toMatchObject({ tripId, decisionIndex: expect.any(Number) });
    expect(await secondDriver.socket.call('offer:accept', { offerId: second.id })).toMatchObject({
      ok: true,
      trip: { tripId, status: 'matched' },
    });
    await riderSocket.next('trip:updated', (u) => u.tripId === tripId && u.status === 'matched');

    expect(await system.offers(tripId)).toEqual([
      expect.objectContaining({ attempt: 1, driverId: first.driverId, state: 'declined', reason: 'too far' }),
      expect.objectContaining({ attempt: 2, driverId: second.driverId, state: 'accepted' }),
    ]);
    expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_declined', 'offer_made', 'offer_accepted']);
    // Declining is not a revocation: the first driver is not told anything more about this offer.
    expect(firstDriver.socket.received.filter((r) => r.event === 'offer:revoked')).toEqual([]);
    // Each offer rests on its own logged decision.
    const leaves = await system.sql('SELECT index FROM log_leaves WHERE trip_id = $1', [tripId]);
    expect(leaves).toHaveLength(2);
  });

  it('expires an unanswered offer by its deadline job, tells the driver, and offers the trip to the next one', async () => {
    const drivers = await driversAt(2, 2);
    const { tripId } = await system.requestTrip(undefined, area(2), near(area(2)));

    const first = await system.pendingOffer(tripId, 1);
    const firstDriver = drivers.get(first.driverId)!;
    const offer = await firstDriver.socket.next('offer', (o) => o.offerId === first.id);
    const timeoutMs = Date.parse(offer.expiresAt) - Date.now();
    expect(timeoutMs).toBeLessThanOrEqual(OFFER_TIMEOUT_SECONDS * 1000);

    // The driver says nothing: the deadline does the work.
    const revoked = await firstDriver.socket.next('offer:revoked', (r) => r.offerId === first.id, 8_000);
    expect(revoked).toEqual({ offerId: first.id, reason: 'expired' });
    const job = await system.nest.get(Queues).queue(queueNames.offerDeadlines).getJob(`offer-${first.id}`);
    expect(await job?.isCompleted()).toBe(true);
    // The job did it, on time: the sweeper's safety net only takes offers 3 s past their deadline.
    const [late] = await system.sql<{ lateMs: number }>(
      `SELECT extract(epoch FROM answered_at - expires_at) * 1000 AS "lateMs" FROM offers WHERE id = $1`,
      [first.id],
    );
    expect(Number(late.lateMs)).toBeGreaterThanOrEqual(0);
    expect(Number(late.lateMs)).toBeLessThan(3_000);

    const second = await system.pendingOffer(tripId, 2);
    expect(second.driverId).not.toBe(first.driverId);
    await drivers.get(second.driverId)!.socket.next('offer', (o) => o.offerId === second.id);
    expect((await system.offers(tripId))[0]).toMatchObject({ state: 'expired' });
    expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_expired', 'offer_made']);
    expect(await system.tripStatus(tripId)).toBe('offered');
    // Too late: the first driver cannot take it back.
    expect(await firstDriver.socket.call('offer:accept', { offerId: first.id })).toMatchObject({ ok: false, error: { code: 'OFFER_EXPIRED' } });
  });

  it('makes the trip unfulfilled once the policy\'s offers per trip are used up, and tells the rider', async () => {
    const drivers = await driversAt(3, MAX_OFFERS + 1);
    const rider = await system.member('rider');
    const riderSocket = await system.socket('/riders', rider.token);
    const { tripId } = await system.requestTrip(rider, area(3), near(area(3)));

    const first = await system.pendingOffer(tripId, 1);
    expect(await drivers.get(first.driverId)!.socket.call('offer:decline', { offerId: first.id })).toEqual({ ok: true });
    const second = await system.pendingOffer(tripId, 2);
    const secondDriver = drivers.get(second.driverId)!;
    await secondDriver.socket.next('offer', (o) => o.offerId === second.id);
    // The second one lets it lapse: that is the last offer the policy allows.
    await secondDriver.socket.next('offer:revoked', (r) => r.offerId === second.id && r.reason === 'expired', 8_000);

    await riderSocket.next('trip:updated', (u) => u.tripId === tripId && u.status === 'unfulfilled');
    expect(await system.tripStatus(tripId)).toBe('unfulfilled');
    const view = await system.http('GET', `/v1/trips/${tripId}`, { token: rider.token });
    expect(view.body).toMatchObject({ tripId, status: 'unfulfilled' });
    expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_declined', 'offer_made', 'offer_expired', 'unfulfilled']);
    // The ledger hears of it as a cancellation by the system: the card hold is released, no fee.
    await system.untilPosted(`trip:${tripId}:hold:voided`);
    expect(await system.sql(`SELECT 1 FROM ledger_transactions WHERE id = $1`, [`trip:${tripId}:cancelled`])).toEqual([]);

    // A third driver was free nearby, but the policy's limit is the limit.
    const offers = await system.offers(tripId);
    expect(offers).toHaveLength(MAX_OFFERS);
    const untouched = [...drivers.keys()].filter((id) => !offers.some((o) => o.driverId === id));
    expect(untouched).toHaveLength(1);
    expect(drivers.get(untouched[0])!.socket.received.filter((r) => r.event === 'offer')).toEqual([]);
    // The rider is free to ask again, and the new trip goes out as usual.
    const again = await system.requestTrip(rider, area(3), near(area(3)));
    await system.pendingOffer(again.tripId, 1);
  });
});
