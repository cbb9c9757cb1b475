import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queues } from '../jobs/queues';
import { CheckpointSigner } from './checkpoint-signer';
import { DividendAllocationLog } from './dividend-allocation.log';
import { PolicyActivationLog } from './policy-activation.log';

/** Queue of the audit log's periodic work (its own name; the jobs folder belongs to dispatch). */
export const AUDIT_QUEUE = 'audit-checkpoints';
/** A new checkpoint at least this often while the log grows. */
export const CHECKPOINT_EVERY_MS = 3_000;

/**
 * A BullMQ job scheduler (one process runs each tick): log policy versions that came into
 * force and closed dividend periods, then sign a checkpoint if the log grew. A checkpoint is
 * also signed at boot, so the audit API has a tree head to show from the first request.
 */
@Injectable()
export class CheckpointJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('audit');

  constructor(
    private readonly queues: Queues,
    private readonly signer: CheckpointSigner,
    private readonly activations: PolicyActivationLog,
    private readonly dividends: DividendAllocationLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tick().catch((e: Error) => this.logger.warn({ msg: 'boot checkpoint failed; the job retries', error: e.message }));
    await this.queues.queue(AUDIT_QUEUE).upsertJobScheduler('checkpoint', { every: CHECKPOINT_EVERY_MS }, { name: 'checkpoint' });
    this.queues.work(AUDIT_QUEUE, () => this.tick(), 1);
  }

  /** One pass; what it did, for tests and logs. */
  async tick(): Promise<{ policiesLogged: number[]; dividendsLogged: number[]; signedSize?: number }> {
    const policiesLogged = await this.activations.logNew();
    const dividendsLogged = await this.dividends.logNew();
    const signedSize = await this.signer.signIfGrown();
    return { policiesLogged, dividendsLogged, signedSize };
  }
}
