import { testServerUrl } from '@coop/testing';
import { Metrics } from '../metrics/metrics';
import { createDataSource } from './data-source';
import { observePool, poolOf } from './pool-metrics';

/** A metric's samples as `labels -> value`, read the way /metrics reads them (collect runs). */
async function samples(metrics: Metrics, name: string): Promise<Map<string, number>> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return new Map((metric?.values ?? []).map((v) => [`${(v as { metricName?: string }).metricName ?? name}${JSON.stringify(v.labels)}`, v.value]));
}

describe('observePool (real PostgreSQL)', () => {
  it('shows connections busy and idle, callers waiting, and how long each connection was held', async () => {
    const db = createDataSource({ url: testServerUrl(), poolSize: 2, applicationName: 'pool-metrics-test' });
    await db.initialize();
    const metrics = new Metrics();
    observePool(poolOf(db), metrics, 'test');
    try {
      // Two transactions hold both connections; a third query waits for one of them.
      let releaseHolders!: () => void;
      const holdersMayEnd = new Promise<void>((resolve) => (releaseHolders = resolve));
      let holding = 0;
      let bothHolding!: () => void;
      const bothHold = new Promise<void>((resolve) => (bothHolding = resolve));
      const hold = () =>
        db.transaction(async (tx) => {
          await tx.query('SELECT 1');
          if (++holding === 2) bothHolding();
          await holdersMayEnd;
        });
      const holders = [hold(), hold()];
      await bothHold;
      const waiter = db.query('SELECT 1');
      await new Promise((resolve) => setTimeout(resolve, 60));

      const during = await samples(metrics, 'db_pool_connections');
      expect(during.get('db_pool_connections{"pool":"test","state":"busy"}')).toBe(2);
      expect(during.get('db_pool_connections{"pool":"test","state":"idle"}')).toBe(0);
      expect((await samples(metrics, 'db_pool_waiting')).get('db_pool_waiting{"pool":"test"}')).toBe(1);

      releaseHolders();
      await Promise.all([...holders, waiter]);
      const after = await samples(metrics, 'db_pool_connections');
      expect(after.get('db_pool_connections{"pool":"test","state":"busy"}')).toBe(0);
      expect((await samples(metrics, 'db_pool_waiting')).get('db_pool_waiting{"pool":"test"}')).toBe(0);

      const held = await samples(metrics, 'db_pool_hold_seconds');
      // Three hand-outs: the two holders (each held 60 ms or more) and the waiter.
      expect(held.get('db_pool_hold_seconds_count{"pool":"test"}')).toBe(3);
      expect(held.get('db_pool_hold_seconds_sum{"pool":"test"}')).toBeGreaterThanOrEqual(0.12);
      expect(held.get('db_pool_hold_seconds_bucket{"le":0.032,"pool":"test"}')).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});
