import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { Queues } from '../jobs/queues';
import { queueNames } from '../jobs/queue-names';
import { OfferDeadlines } from './offer-deadlines';
import { OffersService } from './offers.service';

/** Consumes offer deadlines: expire the offer and look for the next driver. */
@Injectable()
export class OfferDeadlineWorker implements OnApplicationBootstrap {
  constructor(
    private readonly queues: Queues,
    private readonly offers: OffersService,
    private readonly deadlines: OfferDeadlines,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.work(queueNames.offerDeadlines, (job: Job<{ offerId: string }>) => this.handle(job), 8);
  }

  private async handle(job: Job<{ offerId: string }>): Promise<void> {
    const result = await this.offers.expire(job.data.offerId);
    // Redis's clock ran ahead of the database's: come back when the offer is really due.
    if (result.retryInMs !== undefined) {
      const round = Number(/-r(\d+)$/.exec(job.id ?? '')?.[1] ?? 0) + 1;
      await this.deadlines.reschedule(job.data.offerId, result.retryInMs, round);
    }
  }
}
