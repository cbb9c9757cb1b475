import { replayMatches } from '@coop/matching';
import { Queues } from '../../dispatch/src/jobs/queues';
import { queueNames } from '../../dispatch/src/jobs/queue-names';
import { BatchDispatcher } from '../../dispatch/src/offers/batch-dispatcher';
import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

/** The policy's batch mode: every window, all waiting trips are matched at once by optimal assignment. */
describe('batch mode', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(() => system?.stop());

  it('holds requests for the window, then offers every waiting trip from one logged, replayable decision', async () => {
    const windows = system.nest.get(Queues).queue(queueNames.dispatchBatch);
    await windows.pause(); // this test decides the window itself
    await system.useMatchingPolicy({ mode: 'batch', batchWindowMs: 60_000 });
    const drivers = [await system.onlineDriver(area(1)), await system.onlineDriver(near(area(1)))];
    const first = await system.requestTrip(undefined, area(1), near(area(1)));
    const second = await system.requestTrip(undefined, near(area(1)), area(1));
    // No immediate offer: the trips wait for the window.
    expect(await system.offers(first.tripId)).toEqual([]);
    expect(await system.tripStatus(second.tripId)).toBe('requested');

    const outcome = await system.nest.get(BatchDispatcher).runWindow();
    expect(outcome).toMatchObject({ considered: 2, offered: 2, unfulfilled: 0 });
    const [offerA] = await system.offers(first.tripId);
    const [offerB] = await system.offers(second.tripId);
    expect(new Set([offerA.driverId, offerB.driverId])).toEqual(new Set(drivers.map((d) => d.memberId)));
    expect(await system.tripStatus(first.tripId)).toBe('offered');

    // One decision names both trips, and any member can recompute it.
    const decisionIndexes = await system.sql<{ decision_index: string }>('SELECT DISTINCT decision_index FROM offers WHERE trip_id = ANY($1)', [
      [first.tripId, second.tripId],
    ]);
    expect(decisionIndexes).toHaveLength(1);
    const record = await system.replayableDecision(Number(decisionIndexes[0].decision_index));
    expect(record.mode).toBe('batch');
    if (record.mode !== 'batch') return;
    expect(record.assignment.map((a) => a.requestId).sort()).toEqual([first.tripId, second.tripId].sort());
    expect(replayMatches(record)).toBe(true);

    // Each driver got the `offer` event naming that decision.
    for (const driver of drivers) {
      await system.until(() => driver.socket.received.some((e) => e.event === 'offer' && e.payload.decisionIndex === outcome.decisionIndex));
    }
    await windows.resume();
  });

  it('is driven by the window scheduler at the policy period, and a declined trip goes to the next window', async () => {
    await system.useMatchingPolicy({ mode: 'batch', batchWindowMs: 500 });
    const drivers = [await system.onlineDriver(area(2)), await system.onlineDriver(area(2))];
    const { tripId } = await system.requestTrip(undefined, area(2), near(area(2)));
    const first = await system.pendingOffer(tripId, 1, 15_000);
    const firstDriver = drivers.find((d) => d.memberId === first.driverId)!;
    expect(await firstDriver.socket.call('offer:decline', { offerId: first.id })).toEqual({ ok: true });
    const second = await system.pendingOffer(tripId, 2, 15_000);
    expect(second.driverId).not.toBe(first.driverId);
    const [row] = await system.sql<{ decision_index: string }>('SELECT decision_index FROM offers WHERE id = $1', [second.id]);
    expect((await system.replayableDecision(Number(row.decision_index))).mode).toBe('batch');
  });
});
