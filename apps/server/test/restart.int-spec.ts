import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

type Driver = Awaited<ReturnType<TestSystem['onlineDriver']>>;

/**
 * The app crashes and boots again on the same PostgreSQL and Redis: what was under way
 * (an offer's deadline, a driver's pending offer, a trip waiting for its first dispatch)
 * carries on after the restart.
 */
describe('restart', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function restart(): Promise<void> {
    await system.crash();
    await system.boot();
  }

  it('gives a driver who reconnects after the restart their pending offer again, and lets them accept it', async () => {
    await system.useMatchingPolicy({ offerTimeoutSeconds: 20 });
    const driver = await system.onlineDriver(area(1));
    const { tripId, rider } = await system.requestTrip(undefined, area(1), near(area(1)));
    const pending = await system.pendingOffer(tripId, 1);
    const before = await driver.socket.next('offer', (o) => o.offerId === pending.id);

    await restart();

    const again = await system.socket('/drivers', driver.token);
    expect(await again.next('offer', (o) => o.offerId === pending.id)).toEqual(before);
    const riderSocket = await system.socket('/riders', rider.token);
    expect(await again.call('offer:accept', { offerId: pending.id })).toMatchObject({ ok: true, trip: { tripId, status: 'matched' } });
    await riderSocket.next('trip:updated', (u) => u.tripId === tripId && u.status === 'matched');
    expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_accepted']);
  });

  it('fires an offer deadline set before the crash after the boot, and the trip goes to the next driver', async () => {
    // Long enough for the crash and boot to fit before the deadline, short enough for a test.
    const TIMEOUT_SECONDS = 5;
    await system.useMatchingPolicy({ offerTimeoutSeconds: TIMEOUT_SECONDS });
    const drivers = new Map<string, Driver>();
    for (let i = 0; i < 2; i++) {
      const d = await system.onlineDriver(area(2));
      drivers.set(d.memberId, d);
    }
    const { tripId } = await system.requestTrip(undefined, area(2), near(area(2)));
    const first = await system.pendingOffer(tripId, 1);

    await restart();
    // The deadline is still ahead: only the deadline job, kept in Redis, can expire the offer now.
    const [{ state, past }] = await system.sql<{ state: string; past: boolean }>(
      'SELECT state, expires_at <= now() AS past FROM offers WHERE id = $1',
      [first.id],
    );
    expect({ state, past }).toEqual({ state: 'pending', past: false });

    // Both drivers come back; the one who let the offer lapse hears it was revoked.
    const sockets = new Map<string, Awaited<ReturnType<TestSystem['socket']>>>();
    for (const [id, d] of drivers) sockets.set(id, await system.socket('/drivers', d.token));
    await sockets.get(first.driverId)!.next('offer:revoked', (r) => r.offerId === first.id && r.reason === 'expired', 15_000);
    // Expired by its deadline job, not by the sweeper (which waits for 3 s past the deadline).
    const [late] = await system.sql<{ lateMs: number }>(
      `SELECT extract(epoch FROM answered_at - expires_at) * 1000 AS "lateMs" FROM offers WHERE id = $1 AND state = 'expired'`,
      [first.id],
    );
    expect(Number(late.lateMs)).toBeLessThan(3_000);

    const second = await system.pendingOffer(tripId, 2);
    expect(second.driverId).not.toBe(first.driverId);
    const next = sockets.get(second.driverId)!;
    await next.next('offer', (o) => o.offerId === second.id);
    expect(await next.call('offer:accept', { offerId: second.id })).toMatchObject({ ok: true, trip: { status: 'matched' } });
    expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_expired', 'offer_made', 'offer_accepted']);
  });

  it('dispatches a trip requested just before the crash, once the app is back, by the sweeper', async () => {
    await system.useMatchingPolicy({ offerTimeoutSeconds: 20 });
    // No driver nearby yet: the request's own dispatch step finds no one, and the trip waits.
    const { tripId, rider } = await system.requestTrip(undefined, area(3), near(area(3)));
    expect(await system.tripStatus(tripId)).toBe('requested');

    await restart();

    // A driver comes online after the restart. Going online dispatches nothing by itself:
    // only the sweeper, which survived the restart as a BullMQ job scheduler, can.
    const driver = await system.onlineDriver(area(3));
    const offer = await system.pendingOffer(tripId, 1);
    expect(offer.driverId).toBe(driver.memberId);
    await driver.socket.next('offer', (o) => o.offerId === offer.id);
    const riderSocket = await system.socket('/riders', rider.token);
    expect(await driver.socket.call('offer:accept', { offerId: offer.id })).toMatchObject({ ok: true });
    await riderSocket.next('trip:updated', (u) => u.tripId === tripId && u.status === 'matched');
    expect(await system.tripEvents(tripId)).toEqual(['requested', 'offer_made', 'offer_accepted']);
  });
});
