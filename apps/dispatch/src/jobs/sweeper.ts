import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DispatchService } from '../offers/dispatch.service';
import { OffersRepository } from '../offers/offers.repository';
import { OffersService } from '../offers/offers.service';
import { Outbox } from '../outbox/outbox';
import { FairnessStats } from '../fairness/fairness-stats';
import { PresenceReconciler } from '../presence/presence-reconciler';
import { TripsRepository } from '../trips/trips.repository';
import { Queues } from './queues';
import { queueNames } from './queue-names';

const EVERY_MS = 2_000;
/** Presence is checked against the database, and fairness figures refreshed, every this many sweeps (10 s). */
const RECONCILE_EVERY = 5;

/**
 * The safety net that makes "no trip stuck forever" true after any crash: every two seconds
 * (a BullMQ job scheduler, so one process runs each tick) it retries trips still waiting
 * for a driver, expires offers whose deadline job was lost, relays the outbox, and now and
 * then corrects driver presence that a late write left out of step with the database and
 * refreshes the drivers' fairness figures.
 */
@Injectable()
export class Sweeper implements OnApplicationBootstrap {
  private readonly logger = new Logger('sweeper');
  private passes = 0;

  constructor(
    private readonly queues: Queues,
    private readonly db: DataSource,
    private readonly trips: TripsRepository,
    private readonly offersRepo: OffersRepository,
    private readonly offers: OffersService,
    private readonly dispatch: DispatchService,
    private readonly outbox: Outbox,
    private readonly reconciler: PresenceReconciler,
    private readonly fairness: FairnessStats,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queues.queue(queueNames.dispatchSweep).upsertJobScheduler('sweep', { every: EVERY_MS }, { name: 'sweep', opts: { removeOnComplete: 100, removeOnFail: 1000 } });
    this.queues.work(queueNames.dispatchSweep, () => this.sweep(), 1);
  }

  /** One pass; returns what it did (for tests and logs). */
  async sweep(): Promise<{ redispatched: number; expired: number; relayed: number; reconciled: number }> {
    const waiting = await this.trips.staleSearching(this.db.manager, EVERY_MS / 1000, 100);
    for (const tripId of waiting) await this.dispatch.dispatch(tripId).catch((e: Error) => this.warn('dispatch', e));
    const overdue = await this.offersRepo.overdue(this.db.manager, 3, 100);
    for (const offer of overdue) await this.offers.expire(offer.id).catch((e: Error) => this.warn('expire', e));
    const relayed = await this.outbox.relay();
    let reconciled = 0;
    if (this.passes++ % RECONCILE_EVERY === 0) {
      reconciled = await this.reconciler.reconcile().catch((e: Error) => (this.warn('reconcile', e), 0));
      await this.fairness.refresh().catch((e: Error) => this.warn('fairness refresh', e));
    }
    return { redispatched: waiting.length, expired: overdue.length, relayed, reconciled };
  }

  private warn(what: string, error: Error): void {
    this.logger.warn({ msg: `sweep ${what} failed`, error: error.message });
  }
}
