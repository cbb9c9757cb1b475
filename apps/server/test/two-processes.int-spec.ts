import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

/**
 * Two dispatch processes of one deployment share the supply index through Redis (each keeps
 * an in-memory view fed over pub/sub) and reach each other's sockets through the socket.io
 * Redis adapter: a rider served by one process is matched to a driver connected to the other.
 */
describe('two dispatch processes', () => {
  let nodeA: TestSystem;
  let nodeB: TestSystem;

  beforeAll(async () => {
    nodeA = await TestSystem.start();
    nodeB = await nodeA.peer();
  });
  afterAll(async () => {
    await nodeB?.crash();
    await nodeA?.stop();
  });

  it('matches a rider on one process to a driver connected to the other, both ways', async () => {
    const driver = await nodeA.onlineDriver(area(1));
    const rider = await nodeB.member('rider');
    const riderSocket = await nodeB.socket('/riders', rider.token);
    // The trip is requested and dispatched on B, whose index learned of the driver over pub/sub.
    const { tripId } = await nodeB.requestTrip(rider, area(1), near(area(1)));
    const offer = await nodeB.pendingOffer(tripId);
    expect(offer.driverId).toBe(driver.memberId);
    await nodeA.until(() => driver.socket.received.some((e) => e.event === 'offer' && e.payload.tripId === tripId));

    // The accept is handled on A; the rider connected to B hears of it.
    expect(await driver.socket.call('offer:accept', { offerId: offer.id })).toMatchObject({ ok: true, trip: { status: 'matched' } });
    await nodeB.until(() => riderSocket.received.some((e) => e.event === 'trip:updated' && e.payload.status === 'matched'));
    expect(await driver.socket.call('driver:location', { ...near(area(1)), at: new Date().toISOString() })).toEqual({ ok: true });
    await nodeB.until(() => riderSocket.received.some((e) => e.event === 'driver:location' && e.payload.tripId === tripId));
  });

  it('keeps both processes\' views of a driver in step as they move and go offline', async () => {
    const driver = await nodeB.onlineDriver(area(2));
    const riderOnA = await nodeA.member('rider');
    expect(await driver.socket.call('driver:offline', {})).toEqual({ ok: true });
    // Offline on B means no candidate on A: the trip A dispatches gets no offer.
    const { tripId } = await nodeA.requestTrip(riderOnA, area(2), near(area(2)));
    await new Promise((r) => setTimeout(r, 500));
    expect(await nodeA.offers(tripId)).toEqual([]);
    // Back online on B: A's next dispatch (the sweeper's retry) finds them.
    expect(await driver.socket.call('driver:online', { vehicle: { kind: 'car' } })).toMatchObject({ ok: true });
    expect(await driver.socket.call('driver:location', { ...area(2), at: new Date().toISOString() })).toEqual({ ok: true });
    expect((await nodeA.pendingOffer(tripId, 1, 15_000)).driverId).toBe(driver.memberId);
  });
});
