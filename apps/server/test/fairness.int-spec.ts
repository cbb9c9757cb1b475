import { DecisionRecord, defaultMatchingPolicy } from '@coop/matching';
import { FairnessStats } from '../../dispatch/src/fairness/fairness-stats';
import { Queues } from '../../dispatch/src/jobs/queues';
import { queueNames } from '../../dispatch/src/jobs/queue-names';
import { SupplyView } from '../../dispatch/src/presence/supply-view';
import { PolicyService } from '../../dispatch/src/policy/policy.service';
import { TestSystem, area, near } from './system.harness';

jest.setTimeout(40_000);

/**
 * The fairness term reads real figures: online time from the drivers' online sessions and
 * earnings from their completed trips this period, carried through presence into every
 * process's supply index and from there into the logged decisions.
 */
describe('fairness figures', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
    // This test refreshes the figures itself; the sweeper would do it every 10 s.
    await system.nest.get(Queues).queue(queueNames.dispatchSweep).pause();
    await system.useMatchingPolicy({ normalization: { ...defaultMatchingPolicy.normalization, fairnessMinOnlineSeconds: 60 } });
  });
  afterAll(() => system?.stop());

  it('gives a driver who earned less per online hour this week the larger fairness term', async () => {
    const earner = await system.onlineDriver(area(1));
    const { tripId } = await system.requestTrip(undefined, area(1), near(area(1)));
    const trip = await system.driveTrip(earner, tripId);
    const fare = trip.finalFare.amount as number;
    expect(fare).toBeGreaterThan(0);
    const other = await system.onlineDriver(area(1));
    // Both have been online for two hours this week.
    await system.sql(`UPDATE driver_online_sessions SET started_at = started_at - interval '2 hours'`);

    expect(await system.nest.get(FairnessStats).refresh()).toBe(2);
    const index = () => system.nest.get(SupplyView).current(system.nest.get(PolicyService).inForce().document.matching);
    await system.until(() => index().get(earner.memberId)?.earnedMinor === fare);
    const seen = index().get(earner.memberId)!;
    expect(seen.onlineSeconds).toBeGreaterThanOrEqual(7200);
    expect(seen.onlineSeconds).toBeLessThan(7300);
    expect(index().get(other.memberId)).toMatchObject({ earnedMinor: 0 });

    const next = await system.requestTrip(undefined, area(1), near(area(1)));
    const offer = await system.pendingOffer(next.tripId);
    const [row] = await system.sql<{ record: string }>(
      'SELECT d.record FROM log_leaf_disclosures d JOIN offers o ON o.decision_index = d.index WHERE o.id = $1',
      [offer.id],
    );
    const record = JSON.parse(row.record) as DecisionRecord;
    if (record.mode !== 'immediate') throw new Error('expected an immediate decision');
    const byDriver = new Map(record.candidates.map((c) => [c.driverId, c]));
    const earnerSeen = byDriver.get(earner.memberId)!;
    const otherSeen = byDriver.get(other.memberId)!;
    expect(earnerSeen.features.earningsPerHourMinor).toBe(Math.floor((fare * 3600) / seen.onlineSeconds));
    expect(otherSeen.features.earningsPerHourMinor).toBe(0);
    expect(record.context.medianEarningsPerHourMinor).toBeGreaterThan(0);
    expect(otherSeen.terms.fairness).toBeGreaterThan(earnerSeen.terms.fairness);
  });
});
