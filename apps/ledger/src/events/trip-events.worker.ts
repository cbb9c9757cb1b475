import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError, Worker, WorkerOptions } from 'bullmq';
import type Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig, Metrics, RedisConnections } from '@coop/platform';
import { BadEventError, HandleOutcome, TripEventHandler } from './trip-event.handler';

/**
 * The queue dispatch's outbox relays trip events to (apps/dispatch/src/jobs/queue-names.ts,
 * under `<REDIS_PREFIX>:bull`). Repeated here rather than imported so the ledger runs alone;
 * the end-to-end test (apps/server/test/ledger.int-spec.ts) proves the two agree.
 */
export const TRIP_EVENTS_QUEUE = 'trip-events';

export interface TripEventsWorkerOptions {
  connection: Redis;
  prefix: string;
  queueName?: string;
  concurrency?: number;
  /** Lock and stall settings (tests shorten them to simulate a crashed worker). */
  tuning?: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>;
}

/**
 * A BullMQ worker that posts trip events. Delivery is at least once (a crash after posting,
 * before the ack, delivers the event again; so do stalled jobs); the handler is idempotent,
 * so a redelivery finds the entry and completes. A bad event fails at once
 * (UnrecoverableError) with one clear log line; a passing failure is retried by BullMQ with
 * the job's backoff.
 */
export function startTripEventsWorker(handler: Pick<TripEventHandler, 'handle'>, options: TripEventsWorkerOptions, onOutcome?: (topic: string, outcome: string) => void): Worker {
  const logger = new Logger('ledger-events');
  return new Worker(
    options.queueName ?? TRIP_EVENTS_QUEUE,
    async (job: Job): Promise<HandleOutcome> => {
      try {
        const outcome = await handler.handle(job.name, job.data);
        onOutcome?.(job.name, outcome.posted);
        return outcome;
      } catch (error) {
        if (error instanceof BadEventError) {
          onOutcome?.(job.name, 'refused');
          logger.error({ msg: 'trip event refused; moved to failed, not retried', jobId: job.id, topic: job.name, code: error.code, reason: error.message });
          throw new UnrecoverableError(`${error.code}: ${error.message}`);
        }
        logger.warn({ msg: 'trip event not posted yet; the queue will retry', jobId: job.id, topic: job.name, attempt: job.attemptsMade + 1, error: (error as Error).message });
        throw error;
      }
    },
    { ...options.tuning, connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 4 },
  );
}

/** Runs the trip events worker in this process when WORKERS is on, and closes it at shutdown. */
@Injectable()
export class TripEventsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Worker;
  private readonly events: Counter<'topic' | 'outcome'>;

  constructor(
    private readonly handler: TripEventHandler,
    private readonly connections: RedisConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.events = metrics.counter('ledger_events_total', 'Trip events handled by the ledger, by outcome', ['topic', 'outcome']);
  }

  onApplicationBootstrap(): void {
    if (!this.config.WORKERS) return;
    this.worker = startTripEventsWorker(
      this.handler,
      { connection: this.connections.create(), prefix: `${this.config.REDIS_PREFIX}:bull` },
      (topic, outcome) => this.events.inc({ topic, outcome }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
