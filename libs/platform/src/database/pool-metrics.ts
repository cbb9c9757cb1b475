import type { DataSource } from 'typeorm';
import type { Histogram } from 'prom-client';
import { performance } from 'node:perf_hooks';
import type { Metrics } from '../metrics/metrics';

/** What this module reads of node-postgres's pool (pg-pool 3): its counts and its hand-out events. */
export interface ObservablePool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  on(event: 'acquire', listener: (client: object) => void): unknown;
  on(event: 'release', listener: (error: unknown, client: object) => void): unknown;
}

const HOLD_BUCKETS = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096];

/**
 * The pool's state in /metrics: connections busy and idle, callers waiting for one, and how
 * long each connection is held from hand-out to release. A transaction that awaits something
 * other than its own statements (a busy event loop, another connection) holds its connection
 * meanwhile; these show whether the pool, rather than PostgreSQL, is where requests queue.
 * Several pools of one process (the app's, the log writer's) share the instruments, by name.
 */
export function observePool(pool: ObservablePool, metrics: Metrics, name = 'main'): void {
  const instruments = instrumentsOf(metrics);
  instruments.pools.set(name, pool);
  const heldSince = new WeakMap<object, number>();
  const observeHold = instruments.held.labels({ pool: name });
  pool.on('acquire', (client) => heldSince.set(client, performance.now()));
  pool.on('release', (_error, client) => {
    const since = heldSince.get(client);
    if (since !== undefined) observeHold.observe((performance.now() - since) / 1000);
  });
}

interface PoolInstruments {
  pools: Map<string, ObservablePool>;
  held: Histogram<'pool'>;
}

const instrumentsByRegistry = new WeakMap<Metrics, PoolInstruments>();

function instrumentsOf(metrics: Metrics): PoolInstruments {
  const known = instrumentsByRegistry.get(metrics);
  if (known) return known;
  const pools = new Map<string, ObservablePool>();
  // Sampled when /metrics is read, not on every hand-out.
  metrics.gauge('db_pool_connections', 'Connections of the pool by state', ['pool', 'state'], (gauge) => {
    for (const [name, pool] of pools) {
      gauge.set({ pool: name, state: 'busy' }, pool.totalCount - pool.idleCount);
      gauge.set({ pool: name, state: 'idle' }, pool.idleCount);
    }
  });
  metrics.gauge('db_pool_waiting', 'Callers waiting for a connection of the pool', ['pool'], (gauge) => {
    for (const [name, pool] of pools) gauge.set({ pool: name }, pool.waitingCount);
  });
  const held = metrics.histogram('db_pool_hold_seconds', 'How long a connection is held, from hand-out to release', HOLD_BUCKETS, ['pool']);
  const instruments = { pools, held };
  instrumentsByRegistry.set(metrics, instruments);
  return instruments;
}

/** The pg pool behind an initialized TypeORM DataSource of type postgres. */
export function poolOf(db: DataSource): ObservablePool {
  const pool = (db.driver as unknown as { master?: ObservablePool }).master;
  if (!pool) throw new Error('poolOf: the DataSource is not initialized, or not postgres');
  return pool;
}
