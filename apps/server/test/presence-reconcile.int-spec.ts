import { Queues } from '../../dispatch/src/jobs/queues';
import { queueNames } from '../../dispatch/src/jobs/queue-names';
import { PRESENCE_TTL_SECONDS } from '../../dispatch/src/presence/presence.constants';
import { PresenceReconciler } from '../../dispatch/src/presence/presence-reconciler';
import { PresenceStore } from '../../dispatch/src/presence/presence.store';
import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

/**
 * Presence writes follow database commits without sharing their transaction, so a write
 * can land late (a driver's accept after the rider's cancel). The reconciler puts Redis
 * back in line with the database, and never overwrites a change it did not see.
 */
describe('presence reconciliation', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
    // The sweeper reconciles on its own every 10 s; paused, it cannot race the passes below.
    await system.nest.get(Queues).queue(queueNames.dispatchSweep).pause();
  });
  afterAll(() => system?.stop());

  it('frees a driver left "on trip" by a late write, stops forwarding their position, and lets them take work', async () => {
    const driver = await system.onlineDriver(area(1));
    const { tripId, rider } = await system.requestTrip(undefined, area(1), near(area(1)));
    const offer = await system.pendingOffer(tripId);
    expect(await driver.socket.call('offer:accept', { offerId: offer.id })).toMatchObject({ ok: true });
    expect((await system.http('POST', `/v1/trips/${tripId}/cancel`, { token: rider.token, body: {} })).status).toBe(200);

    // The accept's presence write lands after the cancel's.
    const presence = system.nest.get(PresenceStore);
    await system.until(async () => (await presence.get(driver.memberId))?.availability === 'free');
    await presence.setAvailability(driver.memberId, 'on_trip', Date.now(), PRESENCE_TTL_SECONDS, { trip: { tripId, riderId: rider.memberId } });
    const riderSocket = await system.socket('/riders', rider.token);
    expect(await driver.socket.call('driver:location', { ...area(1), at: new Date().toISOString() })).toEqual({ ok: true });
    await system.until(() => riderSocket.received.some((e) => e.event === 'driver:location'));

    expect(await system.nest.get(PresenceReconciler).reconcile()).toBe(1);
    expect(await presence.get(driver.memberId)).toMatchObject({ availability: 'free', activeTripId: null });

    riderSocket.received.length = 0;
    expect(await driver.socket.call('driver:location', { ...area(1), at: new Date().toISOString() })).toEqual({ ok: true });
    const next = await system.requestTrip(undefined, area(1), near(area(1)));
    expect((await system.pendingOffer(next.tripId)).driverId).toBe(driver.memberId);
    expect(riderSocket.received.filter((e) => e.event === 'driver:location')).toEqual([]);
    // A second pass finds nothing to correct: the driver now holds the new offer.
    expect(await system.nest.get(PresenceReconciler).reconcile()).toBe(0);
  });

  it('puts a driver whose trip is active back on it when a late "free" write lost it', async () => {
    const driver = await system.onlineDriver(area(2));
    const { tripId, rider } = await system.requestTrip(undefined, area(2), near(area(2)));
    const offer = await system.pendingOffer(tripId);
    expect(await driver.socket.call('offer:accept', { offerId: offer.id })).toMatchObject({ ok: true });
    const presence = system.nest.get(PresenceStore);
    await system.until(async () => (await presence.get(driver.memberId))?.availability === 'on_trip');
    await presence.setAvailability(driver.memberId, 'free', Date.now(), PRESENCE_TTL_SECONDS);

    expect(await system.nest.get(PresenceReconciler).reconcile()).toBe(1);
    expect(await presence.get(driver.memberId)).toMatchObject({ availability: 'on_trip', activeTripId: tripId, activeRiderId: rider.memberId });
  });

  it('writes only over the revision it read', async () => {
    const driver = await system.onlineDriver(area(3));
    const presence = system.nest.get(PresenceStore);
    const read = (await presence.get(driver.memberId))!;
    expect(await presence.setAvailability(driver.memberId, 'offered', Date.now(), PRESENCE_TTL_SECONDS)).toBe(true);
    // A correction computed from the earlier read must not undo the change made since.
    expect(await presence.setAvailability(driver.memberId, 'free', Date.now(), PRESENCE_TTL_SECONDS, { expectedRev: read.rev })).toBe(false);
    expect((await presence.get(driver.memberId))?.availability).toBe('offered');
    expect(await presence.setAvailability(driver.memberId, 'free', Date.now(), PRESENCE_TTL_SECONDS, { expectedRev: read.rev! + 1 })).toBe(true);
  });
});
