import { Injectable } from '@nestjs/common';
import { Queues } from '../jobs/queues';
import { queueNames } from '../jobs/queue-names';

/**
 * Offer deadlines as BullMQ delayed jobs. They live in Redis, so a deadline set before a
 * crash still fires after it; the job id is the offer id, so scheduling twice is harmless.
 */
@Injectable()
export class OfferDeadlines {
  constructor(private readonly queues: Queues) {}

  async schedule(offerId: string, delayMs: number): Promise<void> {
    await this.queues.add(queueNames.offerDeadlines, 'expire', { offerId }, { jobId: `offer-${offerId}`, delay: Math.max(0, delayMs) });
  }

  /** A second deadline for the same offer (the first fired early), under a new job id. */
  async reschedule(offerId: string, delayMs: number, round: number): Promise<void> {
    await this.queues.add(queueNames.offerDeadlines, 'expire', { offerId }, { jobId: `offer-${offerId}-r${round}`, delay: delayMs });
  }

  /** Drops a deadline that no longer matters (the offer was answered); best effort. */
  async cancel(offerId: string): Promise<void> {
    await this.queues.queue(queueNames.offerDeadlines).remove(`offer-${offerId}`).catch(() => 0);
  }
}
