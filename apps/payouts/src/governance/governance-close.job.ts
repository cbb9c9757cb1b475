import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig, RedisConnections } from '@coop/platform';
import { GovernanceService } from './governance.service';

/** The queue of governance's periodic work, under `<REDIS_PREFIX>:bull` like every queue. */
export const GOVERNANCE_QUEUE = 'governance-close';
const EVERY_MS = 30_000;

/**
 * A BullMQ job scheduler (one process runs each tick) that closes every proposal whose
 * window has ended. Closing is idempotent and serialized in PostgreSQL, so a tick that
 * crashes half way is simply redone by the next one.
 */
@Injectable()
export class GovernanceCloseJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('governance');
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly governance: GovernanceService,
    private readonly connections: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const prefix = `${this.config.REDIS_PREFIX}:bull`;
    this.queue = new Queue(GOVERNANCE_QUEUE, { connection: this.connections.create(), prefix });
    await this.queue.upsertJobScheduler('close-due', { every: EVERY_MS }, { name: 'close-due', opts: { removeOnComplete: 100, removeOnFail: 1000 } });
    if (!this.config.WORKERS) return;
    this.worker = new Worker(
      GOVERNANCE_QUEUE,
      async () => {
        const closed = await this.governance.closeDue();
        for (const p of closed) this.logger.log({ msg: 'proposal closed', proposalId: p.id, status: p.status, activatedVersion: p.activatedVersion });
        return closed.map((p) => p.id);
      },
      { connection: this.connections.create(), prefix, concurrency: 1 },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
