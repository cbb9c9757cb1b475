import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, RedisConnections } from '@coop/platform';
import { TRIP_EVENTS_QUEUE } from '../events/trip-events.worker';
import type { TripTippedEvent } from '../events/trip-event.schemas';
import { TipRequest, TipRequestsRepository } from './tip-requests.repository';

const EVERY_MS = 2_000;
const PAGE = 200;

/** The queue job of a trip's tip: one per trip, so a second relay of the row enqueues nothing new. */
export const tipJobId = (tripId: string): string => `tip-${tripId}`;

/** The queued event of a recorded tip. */
export function tippedEvent(r: TipRequest): TripTippedEvent {
  return {
    tripId: r.tripId,
    riderId: r.riderId,
    driverId: r.driverId,
    tip: { amount: Number(r.tip.amount), currency: r.tip.currency },
    requestedAt: r.requestedAt.toISOString(),
  };
}

/**
 * Relays recorded tips to the `trip-events` queue, as dispatch's outbox relays trip events:
 * right after a tip is recorded, and every 2 s in processes with workers for whatever a
 * crash or a Redis outage left behind. The job id comes from the trip, so a relay that dies
 * after enqueuing and before marking enqueues the same job again (BullMQ keeps one while it
 * exists), and the worker's entry id makes any later redelivery a duplicate.
 */
@Injectable()
export class TipRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ledger-tips');
  private queue?: Queue;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly requests: TipRequestsRepository,
    private readonly connections: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.WORKERS) return;
    this.timer = setInterval(() => this.relaySoon(), EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.queue?.close();
  }

  /** Publishes every unpublished tip; returns how many went out. */
  async relay(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.requests.relay(PAGE, async (rows) => {
        await this.tripEvents().addBulk(
          rows.map((r) => ({
            name: 'trip.tipped',
            data: tippedEvent(r),
            opts: { jobId: tipJobId(r.tripId), attempts: 12, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
          })),
        );
      });
      total += n;
      if (n < PAGE) return total;
    }
  }

  /**
   * Why the tip's event failed for good, or undefined while it has not (not relayed yet,
   * waiting, retrying, or done). A job with attempts left sits in `delayed`; only one out of
   * attempts, or refused at once (UnrecoverableError), is in `failed`. *Partial:* BullMQ keeps
   * the last 5000 failed jobs (removeOnFail), so an older failure reads as pending again.
   */
  async failure(tripId: string): Promise<string | undefined> {
    const job = await this.tripEvents().getJob(tipJobId(tripId));
    if (!job || (await job.getState()) !== 'failed') return undefined;
    return job.failedReason || 'failed';
  }

  /** Relays without making the caller wait or fail; the periodic run retries leftovers. */
  relaySoon(): void {
    this.relay().catch((error: Error) => this.logger.warn({ msg: 'tip relay failed; the next run retries', error: error.message }));
  }

  private tripEvents(): Queue {
    this.queue ??= new Queue(TRIP_EVENTS_QUEUE, { connection: this.connections.create(), prefix: `${this.config.REDIS_PREFIX}:bull` });
    return this.queue;
  }
}
