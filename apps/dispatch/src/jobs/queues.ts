import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Processor, Queue, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig, RedisConnections } from '@coop/platform';

/**
 * Creates the BullMQ queues and workers of this process, all under the deployment's key
 * prefix, and closes them at shutdown (workers first, so no job is cut mid-way).
 */
@Injectable()
export class Queues implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly producer;

  constructor(
    private readonly connections: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.producer = connections.create();
  }

  get prefix(): string {
    return `${this.config.REDIS_PREFIX}:bull`;
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.producer, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add(name: string, jobName: string, data: object, options: JobsOptions): Promise<void> {
    await this.queue(name).add(jobName, data, { removeOnComplete: 1000, removeOnFail: 5000, ...options });
  }

  /** Adds several jobs in one round trip (BullMQ's addBulk: one MULTI), with the same defaults as `add`. */
  async addBulk(name: string, jobs: Array<{ jobName: string; data: object; options: JobsOptions }>): Promise<void> {
    if (!jobs.length) return;
    await this.queue(name).addBulk(
      jobs.map((j) => ({ name: j.jobName, data: j.data, opts: { removeOnComplete: 1000, removeOnFail: 5000, ...j.options } })),
    );
  }

  /** Starts a worker when this process runs workers (WORKERS, on by default). */
  work(name: string, processor: Processor, concurrency = 4): void {
    if (!this.config.WORKERS) return;
    this.workers.push(
      new Worker(name, processor, { connection: this.connections.create(), prefix: this.prefix, concurrency }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
