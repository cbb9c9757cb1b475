import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DecisionRecord } from '@coop/matching';
import { Metrics } from '@coop/platform';
import { LogBatchWriter, LogEntry, logEntry } from './log-batch.writer';
import { LogLeafBuilder } from './log-leaf.builder';

/**
 * DI token of the log writer's own database connection (a DataSource with a pool of one).
 * Its own, because dispatch transactions wait for the appender while they hold a connection
 * of the main pool: sharing that pool, enough waiting dispatches would leave the appender
 * none, and nothing would ever commit.
 */
export const LOG_WRITER_DB = Symbol('LOG_WRITER_DB');

/** The application_name of that connection, so operators (and the crash test) can find it. */
export const LOG_WRITER_APPLICATION = 'coop-dispatch-log-writer';

/** Most leaves per transaction: bounds one statement's size (a disclosure is a few KiB). */
export const MAX_BATCH = 500;

/** The batch holding this append did not commit: the caller must not act on the decision. */
export class LogAppendFailed extends Error {
  constructor(cause: unknown) {
    super(`the log batch did not commit: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'LogAppendFailed';
  }
}

interface Pending {
  entry: LogEntry;
  resolve(index: number): void;
  reject(error: Error): void;
}

/**
 * Group commit for the transparency log. Any caller in this process queues a leaf; one writer
 * takes everything queued (up to MAX_BATCH) and stores it in ONE transaction: one log_head row
 * lock, one right-edge read, one multi-row insert of leaves and one of nodes and disclosures
 * (LogBatchWriter), one fsync. While that commits, new leaves queue for the next batch, so a
 * lone caller waits for one transaction and many callers share them. Each caller's promise
 * resolves with its leaf index only after its batch committed, so a decision is durable before
 * anything acts on it; if the batch fails, every caller in it gets LogAppendFailed and none of
 * its leaves exist (unless the connection broke during COMMIT itself, when PostgreSQL may have
 * committed them: then they stay in the log as decisions nothing acted on, which is honest).
 *
 * Several processes each run their own appender; their batches take turns on the log_head lock,
 * so the log keeps one contiguous order.
 */
@Injectable()
export class LogAppender implements OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  private readonly writer = new LogBatchWriter();
  private readonly queue: Pending[] = [];
  private running?: Promise<void>;
  private closed = false;
  /** What this process committed, and the batches that failed (for the benchmark and tests). */
  readonly committed = { batches: 0, leaves: 0, failedBatches: 0 };
  private readonly batches;
  private readonly batchSizes;
  private readonly failures;

  constructor(
    @Inject(LOG_WRITER_DB) private readonly db: DataSource,
    private readonly leaves: LogLeafBuilder,
    metrics: Metrics,
  ) {
    this.batches = metrics.counter('audit_log_batches_total', 'Log append transactions committed by this process');
    this.batchSizes = metrics.histogram('audit_log_batch_leaves', 'Leaves per committed log batch', [1, 2, 4, 8, 16, 32, 64, 128, 256, 500]);
    this.failures = metrics.counter('audit_log_batch_failures_total', 'Log batches that failed to commit (their callers were told)');
  }

  /** Logs a dispatch decision (trip id given for an immediate one); resolves with its index once committed. */
  async appendDecision(record: DecisionRecord, tripId?: string): Promise<number> {
    return this.enqueue(logEntry(await this.leaves.decision(record), tripId));
  }

  /** Queues a built leaf; resolves with its index after its batch committed, rejects with LogAppendFailed if it did not. */
  enqueue(entry: LogEntry): Promise<number> {
    if (this.closed) return Promise.reject(new LogAppendFailed(new Error('the log appender is shut down')));
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.start();
    });
  }

  /** Leaves queued and not yet in a batch (for tests and the benchmark). */
  get queued(): number {
    return this.queue.length;
  }

  /** Waits for everything queued so far to be written (or to fail). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.db.isInitialized) await this.db.destroy();
  }

  private start(): void {
    if (this.running) return;
    // setImmediate: callers that queue in the same turn of the event loop share the first batch.
    this.running = new Promise<void>((done) => setImmediate(() => this.drain().then(done)));
    this.running.then(() => {
      this.running = undefined;
      if (this.queue.length) this.start();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const start = await this.db.transaction((tx) => this.writer.write(tx, batch.map((p) => p.entry)));
        this.committed.batches++;
        this.committed.leaves += batch.length;
        this.batches.inc();
        this.batchSizes.observe(batch.length);
        batch.forEach((p, k) => p.resolve(start + k));
      } catch (cause) {
        this.committed.failedBatches++;
        this.failures.inc();
        this.logger.error({ msg: 'log batch failed to commit; its callers were told', leaves: batch.length, error: (cause as Error).message });
        const error = new LogAppendFailed(cause);
        for (const p of batch) p.reject(error);
      }
    }
  }
}
