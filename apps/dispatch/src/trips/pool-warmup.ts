import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BUSY_AMONG_STATEMENT } from '../offers/offers.repository';
import { runPrepared } from './prepared-statement';
import { TRIP_REQUEST_STATEMENT } from './trip-request';

/**
 * Opens every connection of the pool at boot and runs the request path's statements on each
 * once, so that the first requests a node serves do not pay for fresh backends: a new backend
 * loads its catalog caches and plans the trip statement cold (32-64 ms on its first run against
 * 0.4-1.5 ms warm, psql at load 16). The runs write nothing: the trip request names a quote that
 * does not exist (no row, nothing inserted) and the busy read an empty list, each inside a
 * transaction that is rolled back. The offer statement is left out: it has no run that writes
 * nothing without failing. Best effort: a failure is logged and boot goes on.
 */
@Injectable()
export class PoolWarmup implements OnApplicationBootstrap {
  private readonly logger = new Logger('pool-warmup');

  constructor(private readonly db: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const size = Number((this.db.options.extra as { max?: number } | undefined)?.max ?? 10);
    const started = Date.now();
    try {
      await Promise.all(Array.from({ length: size }, () => this.warmOne()));
      this.logger.log({ msg: 'pool warmed', connections: size, ms: Date.now() - started });
    } catch (error) {
      this.logger.warn({ msg: 'pool warm-up failed; the first requests will run on cold backends', error: (error as Error).message });
    }
  }

  /** One connection's warm-up; started all at once, so pg-pool opens a connection for each. */
  private async warmOne(): Promise<void> {
    const runner = this.db.createQueryRunner();
    try {
      await runner.startTransaction();
      await runPrepared(runner.manager, TRIP_REQUEST_STATEMENT, [randomUUID(), randomUUID(), new Date(0).toISOString()]);
      await runPrepared(runner.manager, BUSY_AMONG_STATEMENT, [[]]);
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
  }
}
