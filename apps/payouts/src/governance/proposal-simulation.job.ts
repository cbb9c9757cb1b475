import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig, RedisConnections } from '@coop/platform';
import { ProposalSimulator } from './proposal-simulator.service';
import { SimulationsRepository } from './simulations.repository';

/** The queue of proposal simulations, under `<REDIS_PREFIX>:bull` like every queue. */
export const SIMULATION_QUEUE = 'governance-simulations';
const ATTEMPTS = 3;
const SWEEP_EVERY_MS = 60_000;

type SimulationJob = { proposalId: string } | { sweep: true };

/**
 * Simulates each new proposal in a BullMQ job, outside the HTTP request. One job per proposal
 * (job id `simulate-<proposalId>`, so enqueueing twice while it waits adds nothing), retried
 * with backoff when it throws; after the last attempt the simulation is marked failed. A
 * scheduled sweep re-enqueues pending simulations whose job was lost (Redis down when the
 * proposal was made, a queue emptied). Storing is idempotent (SimulationsRepository).
 */
@Injectable()
export class ProposalSimulationJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('governance');
  private queue?: Queue<SimulationJob>;
  private worker?: Worker<SimulationJob>;

  constructor(
    private readonly simulator: ProposalSimulator,
    private readonly simulations: SimulationsRepository,
    private readonly connections: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const prefix = `${this.config.REDIS_PREFIX}:bull`;
    this.queue = new Queue<SimulationJob>(SIMULATION_QUEUE, { connection: this.connections.create(), prefix });
    await this.queue.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: { sweep: true }, opts: { removeOnComplete: 100, removeOnFail: 1000 } });
    if (!this.config.WORKERS) return;
    this.worker = new Worker<SimulationJob>(SIMULATION_QUEUE, (job) => this.process(job), { connection: this.connections.create(), prefix, concurrency: 1 });
    this.worker.on('failed', (job, error) => {
      if (!job || 'sweep' in job.data || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      const { proposalId } = job.data;
      this.logger.warn({ msg: 'proposal simulation failed', proposalId, attempts: job.attemptsMade, error: error.message });
      void this.simulations.markFailed(proposalId, error.message).catch(() => undefined);
    });
  }

  /** Enqueues the simulation of a proposal (idempotent while the job exists). */
  async enqueue(proposalId: string): Promise<void> {
    await this.queue!.add(
      'simulate',
      { proposalId },
      { jobId: `simulate-${proposalId}`, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
    );
  }

  /** Enqueues every pending simulation (those with a live job are left as they are); returns how many were pending. */
  async sweep(): Promise<number> {
    const pending = await this.simulations.pending();
    for (const id of pending) await this.enqueue(id);
    return pending.length;
  }

  private async process(job: Job<SimulationJob>): Promise<unknown> {
    if ('sweep' in job.data) return this.sweep();
    const { proposalId } = job.data;
    await this.simulations.countAttempt(proposalId);
    const outcome = await this.simulator.run(proposalId);
    this.logger.log({ msg: 'proposal simulated', proposalId, outcome });
    return outcome;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
