import { randomUUID } from 'node:crypto';
import { PolicyService } from '../../dispatch/src/policy/policy.service';
import { PRESENCE_TTL_SECONDS } from '../../dispatch/src/presence/presence.constants';
import { PresenceStore } from '../../dispatch/src/presence/presence.store';
import { SupplyView } from '../../dispatch/src/presence/supply-view';
import { TestSystem, area } from './system.harness';

jest.setTimeout(40_000);

/**
 * Location fixes take their own lean path through presence: fixes queued in the same turn go
 * as one script call, each driver's reply is only what the fix path uses, and the supply view
 * follows fix lines instead of whole states (real Redis, the app's own subscriber).
 */
describe('presence fixes', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(() => system?.stop());

  const at = (k: number) => ({ lat: area(3).lat + 0.004 * k, lng: area(3).lng });
  const e6 = (degrees: number) => Math.round(degrees * 1e6);

  it('stores fixes queued together, refuses the offline one among them, and moves every driver in the supply view', async () => {
    const drivers = [await system.onlineDriver(area(3)), await system.onlineDriver(area(3)), await system.onlineDriver(area(3))];
    const store = system.nest.get(PresenceStore);
    const nowMs = Date.now();
    // Issued in one turn of the event loop: one `fixes` call with an offline driver in the middle.
    const replies = await Promise.all([
      store.fix(drivers[0].memberId, { ...at(1), headingDeg: 90, fixAtMs: nowMs }, PRESENCE_TTL_SECONDS),
      store.fix(randomUUID(), { ...at(9), headingDeg: null, fixAtMs: nowMs }, PRESENCE_TTL_SECONDS),
      store.fix(drivers[1].memberId, { ...at(2), headingDeg: null, fixAtMs: nowMs }, PRESENCE_TTL_SECONDS),
      store.fix(drivers[2].memberId, { ...at(3), headingDeg: null, fixAtMs: nowMs }, PRESENCE_TTL_SECONDS),
    ]);
    expect(replies[1]).toBeUndefined();
    for (const reply of [replies[0], replies[2], replies[3]]) {
      expect(reply).toEqual({ sessionId: expect.any(String), sessionTouchedMs: expect.any(Number), activeTripId: null, activeRiderId: null });
    }
    expect(await store.get(drivers[0].memberId)).toMatchObject({ ...at(1), headingDeg: 90, fixAtMs: nowMs });
    expect(await store.get(drivers[2].memberId)).toMatchObject({ ...at(3), headingDeg: null, fixAtMs: nowMs });

    const view = system.nest.get(SupplyView);
    const policy = system.nest.get(PolicyService).inForce().document.matching;
    await system.until(() => drivers.every((d, k) => view.current(policy).get(d.memberId)?.position.latE6 === e6(at(k + 1).lat)));
  });

  it('takes a turn of tens of thousands of fixes (a stalled loop catching up) in bounded calls', async () => {
    // 25,000 fixes in one call spread 150,000 arguments: past V8's stack (the node crashed so in a friday run).
    const drivers = [await system.onlineDriver(area(5)), await system.onlineDriver(area(5))];
    const store = system.nest.get(PresenceStore);
    const nowMs = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 25_000 }, (_, i) =>
        store.fix(drivers[i % 2].memberId, { lat: area(5).lat + i * 1e-7, lng: area(5).lng, headingDeg: null, fixAtMs: nowMs + i }, PRESENCE_TTL_SECONDS),
      ),
    );
    expect(replies.every((r) => r?.sessionId)).toBe(true);
    // The last fix of each driver is the one stored: the calls kept their order.
    expect(await store.get(drivers[0].memberId)).toMatchObject({ fixAtMs: nowMs + 24_998 });
    expect(await store.get(drivers[1].memberId)).toMatchObject({ fixAtMs: nowMs + 24_999 });
  });

  it('reads a driver it does not hold from Redis when a fix line of theirs arrives', async () => {
    const driver = await system.onlineDriver(area(4));
    const view = system.nest.get(SupplyView);
    const policy = system.nest.get(PolicyService).inForce().document.matching;
    view.current(policy).remove(driver.memberId); // as if its whole state was published while the subscriber was away
    const moved = { lat: area(4).lat + 0.003, lng: area(4).lng };
    expect(await driver.socket.call('driver:location', { ...moved, at: new Date().toISOString() })).toEqual({ ok: true });
    await system.until(() => view.current(policy).get(driver.memberId)?.position.latE6 === e6(moved.lat));
    expect(view.current(policy).get(driver.memberId)).toMatchObject({ status: 'free', vehicle: { kind: 'car' } });
  });
});
