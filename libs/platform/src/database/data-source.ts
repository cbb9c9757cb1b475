import { DataSource, MigrationInterface } from 'typeorm';
import { allMigrations } from './migrations';

export interface DataSourceOptions {
  url: string;
  /** Pool size per process; PostgreSQL's own limit is shared by every process. */
  poolSize?: number;
  applicationName?: string;
}

/**
 * The one TypeORM DataSource of a process. Schema changes come only from the committed
 * migrations (`synchronize` stays off); queries are hand-written SQL in repositories,
 * because the races of dispatch are settled by conditional updates and row locks.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  const session = sessionOptions(options.url);
  return new DataSource({
    type: 'postgres',
    url: session.url,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    migrations: allMigrations as unknown as (new () => MigrationInterface)[],
    entities: [],
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      // pg-pool closes a connection idle for 10 s by default; the next burst then runs on fresh
      // backends, which load their catalog caches and plan every statement cold (the trip
      // request ran 32-64 ms on a new backend against 0.4-1.5 ms warm). A process keeps its
      // pool instead: at most `max` connections each, which max_connections is sized for.
      idleTimeoutMillis: 0,
      // Idle connections do not hold a process open (a script that never destroys its
      // DataSource still exits, as it did once the 10 s timeout had closed them).
      allowExitOnIdle: true,
      application_name: options.applicationName ?? 'coop-dispatch',
      options: session.options,
    },
  });
}

/**
 * Settings every connection of the app starts with, then any given in the URL's `options`
 * (node-postgres lets the URL's `options` replace the config's: the URL goes without them).
 *
 * jit=off: the app's statements are short and planned per call, and on a table without
 * statistics (autovacuum off, or a table that grew before its first ANALYZE) the planner's
 * default estimates put a one-row probe above jit_above_cost; the ledger's deferred check of
 * each entry then spent ~10 ms compiling code for 0.2 ms of work, at every commit
 * (apps/ledger/README.md, Benchmark). Reports that would gain from JIT do not run here.
 */
export function sessionOptions(url: string): { url: string; options: string } {
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  return { url: given === null ? url : parsed.toString(), options: ['-c jit=off', given].filter(Boolean).join(' ') };
}

/** Applies every pending migration; safe to call from several processes at once. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  // An advisory lock serializes concurrent boots (two nodes starting together).
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(724001)');
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(724001)').catch(() => undefined);
    await runner.release();
  }
}
