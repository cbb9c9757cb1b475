import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { isPayoutSlot } from '@coop/money';
import { APP_CONFIG, AppConfig, RedisConnections } from '@coop/platform';
import { PayoutRunsRepository } from './payout-runs.repository';
import { PayoutRunner } from './payout-runner.service';

export const PAYOUTS_QUEUE = 'payouts';

/**
 * A BullMQ job scheduler ticking at the top of every hour (one process runs each tick). A
 * tick in a payout slot of the policy in force (so a voted schedule change applies without a
 * restart) starts the run named after the slot hour, `scheduled:<YYYY-MM-DDTHH>`: a tick
 * delivered twice, or retried after a crash, resumes that run instead of paying again.
 */
@Injectable()
export class PayoutScheduleJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('payouts');
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly runner: PayoutRunner,
    private readonly runs: PayoutRunsRepository,
    private readonly connections: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const prefix = `${this.config.REDIS_PREFIX}:bull`;
    this.queue = new Queue(PAYOUTS_QUEUE, { connection: this.connections.create(), prefix });
    await this.queue.upsertJobScheduler('hourly', { pattern: '0 * * * *', tz: 'UTC' }, { name: 'tick', opts: { removeOnComplete: 100, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 60_000 } } });
    if (!this.config.WORKERS) return;
    this.worker = new Worker(PAYOUTS_QUEUE, (job) => this.tick(job), { connection: this.connections.create(), prefix, concurrency: 1 });
  }

  /** One tick: the run of this slot, if the hour is one. */
  async tick(job: Pick<Job, 'timestamp'>): Promise<string | undefined> {
    const slot = new Date(Math.floor(job.timestamp / 3_600_000) * 3_600_000);
    const policy = await this.runs.policyInForce();
    if (!isPayoutSlot(policy.document.payouts, slot)) return undefined;
    const run = await this.runner.start(`scheduled:${slot.toISOString().slice(0, 13)}`, null);
    this.logger.log({ msg: 'scheduled payout run', runId: run.id, status: run.status });
    return run.id;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
