import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DecisionRecord } from '@coop/matching';
import { Metrics } from '@coop/platform';
import { LogBatchWriter, LogEntry, PreparedAppend, TreeTip, logEntry } from './log-batch.writer';
import { LogLeafBuilder } from './log-leaf.builder';
import { PolicyActivationLog } from './policy-activation.log';

/**
 * DI token of the log writer's own database connections (a DataSource with a pool of PIPELINE_DEPTH).
 * Its own, because dispatch transactions wait for the appender while they hold a connection
 * of the main pool: sharing that pool, enough waiting dispatches would leave the appender
 * none, and nothing would ever commit.
 */
export const LOG_WRITER_DB = Symbol('LOG_WRITER_DB');

/** The application_name of that connection, so operators (and the crash test) can find it. */
export const LOG_WRITER_APPLICATION = 'coop-dispatch-log-writer';

/** How the appender writes; the defaults are what the app runs. The benchmark compares the others. */
export interface LogAppenderOptions {
  /** Batches in flight at once (default PIPELINE_DEPTH). */
  depth?: number;
  /**
   * true: a batch is one autocommitted statement when the tree is known (see the class comment).
   * Off by default: with v3 leaves (2026-11-23 19:21 UTC run) it is +30-130% for a lone caller
   * but 6-20% below the locked way for one process's full batches and 0-33% below it with two
   * processes appending, even with the back-off: see the audit README.
   */
  singleStatement?: boolean;
  /**
   * With the single statement: after this appender sees another writer's append (its statement
   * missed, or the locked way found leaves it did not write), it writes the locked way for this
   * long, so two processes appending at once do not pay a wasted statement per batch.
   * Default CONTENDED_BACKOFF_MS.
   */
  contendedBackoffMs?: number;
  /**
   * Callers of a committed batch resumed per turn of the event loop (default RESUME_SLICE; 0: all
   * at once, as before 2026-12-07). See RESUME_SLICE.
   */
  resumeSlice?: number;
}

/**
 * Callers resumed per turn of the event loop once their batch committed. Resumed all at once, the
 * callers of a large batch ran their continuations (building their next leaves, ~150-200 us each)
 * back to back in one run of microtasks, and the appender could send nothing until all were
 * done: building and storing alternated. Now the first slice resumes at the commit and the rest
 * one slice per turn (setImmediate), each turn first sending what is queued (pump): the leaves
 * of the first slices go out as the next batch, and its statements' replies are read between
 * slices, while later slices still build. Only when a caller resumes changes: each still resumes
 * only after its own batch committed (or failed), in the order of the batches and of their leaves.
 */
export const RESUME_SLICE = 8;

/** How long the appender keeps to the locked way after seeing another writer's append. */
export const CONTENDED_BACKOFF_MS = 1000;

/** DI token of LogAppenderOptions (optional). */
export const LOG_APPENDER_OPTIONS = Symbol('LOG_APPENDER_OPTIONS');

/** Most leaves per transaction: bounds one statement's size (a disclosure is a few KiB). */
export const MAX_BATCH = 500;

/** The batch holding this append did not commit: the caller must not act on the decision. */
export class LogAppendFailed extends Error {
  constructor(cause: unknown) {
    super(`the log batch did not commit: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'LogAppendFailed';
  }
}

/**
 * Batches in flight at once per process: while one commits (its fsync), the next is already
 * sent and waits for the log_head lock, so it commits right after. The log writer's pool has
 * this many connections.
 */
export const PIPELINE_DEPTH = 2;

interface Pending {
  entry: LogEntry;
  resolve(index: number): void;
  reject(error: Error): void;
}

/** What became of a batch's optimistic statement. */
type Attempt = { stored: true } | { stored: false } | { failed: unknown };

/**
 * Group commit for the transparency log. Any caller in this process queues a leaf; a batch
 * takes everything queued (up to MAX_BATCH) and stores it in one transaction. With
 * `singleStatement` (off by default, see LogAppenderOptions), a batch is ONE autocommitted statement
 * (leaves, nodes, disclosures, the new size and root: LogBatchWriter.prepare): one round trip,
 * one fsync. Otherwise, and whenever the tree is not known, the locked way
 * (LogBatchWriter.writeLocked: take the log_head lock, read the right edge, insert leaves, nodes
 * and disclosures, three statements).
 * The appender remembers the tree its last batch left (size, root, right edge), so it computes
 * a batch's nodes before sending it and needs no read under the lock; the statement stores
 * nothing unless log_head still holds that tree. When another process appended meanwhile (or at
 * the first batch), the batch goes the locked way instead (read the edge under the lock,
 * LogBatchWriter.writeLocked) and the appender learns the tree from there. Having seen another
 * writer's append, it keeps to the locked way for `contendedBackoffMs` (1 s): with two processes
 * appending, most optimistic statements would miss and cost a wasted round trip each.
 *
 * With the single statement, up to PIPELINE_DEPTH batches are in flight (the locked way keeps
 * one): batch N+1 is computed against the tree batch N will leave and sent while N commits; it waits for N's lock and matches only if N committed.
 * Batches settle in the order they were sent. Each caller's promise resolves with its leaf index
 * only after its batch committed, so a decision is durable before anything acts on it; if the
 * batch fails, every caller in it gets LogAppendFailed and none of its leaves exist (unless the
 * connection broke during the commit itself, when PostgreSQL may have committed them: then they
 * stay in the log as decisions nothing acted on, which is honest).
 *
 * Several processes each run their own appender; their batches take turns on the log_head lock,
 * so the log keeps one contiguous order.
 */
@Injectable()
export class LogAppender implements OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  private readonly writer = new LogBatchWriter();
  private readonly queue: Pending[] = [];
  /** The tree as the last batch sent will leave it, if that batch commits; unknown at start and after a failure. */
  private tip?: TreeTip;
  /** Settles when every batch sent so far has settled (they settle in order). */
  private settled: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private scheduled = false;
  private closed = false;
  /** What this process committed: batches, leaves, batches that took the locked way, and batches that failed. */
  readonly committed = { batches: 0, leaves: 0, lockedBatches: 0, failedBatches: 0 };
  private readonly depth: number;
  private readonly singleStatement: boolean;
  private readonly backoffMs: number;
  private readonly resumeSlice: number;
  /** Callers whose batch has settled, not yet resumed (from resumingHead on), in order. */
  private resuming: Array<{ p: Pending; index: number } | { p: Pending; error: Error }> = [];
  private resumingHead = 0;
  /** Until then (Date.now()), batches go the locked way: another writer appended recently. */
  private contendedUntil = 0;
  /** The tree size after this appender's last committed batch (undefined: unknown). */
  private lastEnd?: number;
  private readonly batches;
  private readonly batchSizes;
  private readonly failures;

  constructor(
    @Inject(LOG_WRITER_DB) private readonly db: DataSource,
    private readonly leaves: LogLeafBuilder,
    metrics: Metrics,
    @Optional() @Inject(LOG_APPENDER_OPTIONS) options: LogAppenderOptions = {},
    @Optional() private readonly activations?: PolicyActivationLog,
  ) {
    this.depth = options.depth ?? PIPELINE_DEPTH;
    this.singleStatement = options.singleStatement ?? false;
    this.backoffMs = options.contendedBackoffMs ?? CONTENDED_BACKOFF_MS;
    this.resumeSlice = options.resumeSlice ?? RESUME_SLICE;
    this.batches = metrics.counter('audit_log_batches_total', 'Log append transactions committed by this process');
    this.batchSizes = metrics.histogram('audit_log_batch_leaves', 'Leaves per committed log batch', [1, 2, 4, 8, 16, 32, 64, 128, 256, 500]);
    this.failures = metrics.counter('audit_log_batch_failures_total', 'Log batches that failed to commit (their callers were told)');
  }

  /**
   * Logs a dispatch decision (trip id given for an immediate one); resolves with its index once
   * committed. The decision's policy version is logged first if it is not yet (leaf schema v3
   * names it by version and hash only): once per version and process, then a map lookup.
   */
  async appendDecision(record: DecisionRecord, tripId?: string): Promise<number> {
    await this.policyLogged(record.policy.version);
    return this.enqueue(logEntry(await this.leaves.decision(record), tripId));
  }

  /** Versions known logged (or being logged: concurrent callers share one check). */
  private readonly policiesLogged = new Map<string, Promise<void>>();

  private policyLogged(version: string): Promise<void> {
    if (!this.activations) return Promise.resolve();
    let logged = this.policiesLogged.get(version);
    if (!logged) {
      logged = this.activations.ensureLogged(this.db, Number(version)).then((found) => {
        // Not in the policies table: the decision is logged anyway and the verifier names it.
        if (!found) this.logger.error({ msg: 'a decision names a policy version the policies table does not hold', version });
      });
      // A failed check is retried by the next decision; this one fails like a failed batch.
      logged.catch(() => this.policiesLogged.delete(version));
      this.policiesLogged.set(version, logged);
    }
    return logged.catch((cause: unknown) => {
      throw new LogAppendFailed(cause);
    });
  }

  /** Queues a built leaf; resolves with its index after its batch committed, rejects with LogAppendFailed if it did not. */
  enqueue(entry: LogEntry): Promise<number> {
    if (this.closed) return Promise.reject(new LogAppendFailed(new Error('the log appender is shut down')));
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.schedule();
    });
  }

  /** Leaves queued and not yet in a batch (for tests and the benchmark). */
  get queued(): number {
    return this.queue.length;
  }

  /** Waits for everything queued so far to be written (or to fail). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0 || this.resumingHead < this.resuming.length) {
      this.schedule();
      await this.settled;
      await new Promise((r) => setImmediate(r));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.db.isInitialized) await this.db.destroy();
  }

  /**
   * setImmediate: callers that queue in the same turn of the event loop share a batch. Each turn
   * sends what it can, then resumes the next slice of settled callers (see RESUME_SLICE).
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
      this.resumeNext();
    });
  }

  /** Queues a settled batch's callers to resume; the first slice now if none are waiting before them. */
  private resume(batch: Pending[], outcome: { start: number } | { error: Error }): void {
    const waiting = this.resumingHead < this.resuming.length;
    batch.forEach((p, k) => this.resuming.push('error' in outcome ? { p, error: outcome.error } : { p, index: outcome.start + k }));
    if (!waiting) this.resumeNext();
  }

  /** Resolves (or rejects) the next slice of settled callers; schedules a turn for the rest. */
  private resumeNext(): void {
    const slice = this.resumeSlice > 0 ? this.resumeSlice : Infinity;
    const end = Math.min(this.resuming.length, this.resumingHead + slice);
    for (; this.resumingHead < end; this.resumingHead++) {
      const r = this.resuming[this.resumingHead]!;
      if ('error' in r) r.p.reject(r.error);
      else r.p.resolve(r.index);
    }
    if (this.resumingHead === this.resuming.length) {
      this.resuming = [];
      this.resumingHead = 0;
    } else this.schedule();
  }

  private pump(): void {
    // A batch sent blind (tree unknown) must take the locked way; one at a time, so the next learns the tree from it.
    while (this.queue.length > 0 && this.inFlight < this.depth && (this.tip || this.inFlight === 0)) {
      this.send(this.queue.splice(0, MAX_BATCH));
    }
  }

  /** Sends one batch now (optimistically when the tree is known) and settles it after the ones before it. */
  private send(batch: Pending[]): void {
    this.inFlight++;
    const entries = batch.map((p) => p.entry);
    const prepared = this.tip && this.optimistic() ? this.prepare(this.tip, entries) : undefined;
    this.tip = prepared?.after;
    const attempt: Promise<Attempt> | undefined = prepared
      ? this.writer.tryAppend(this.db, prepared).then(
          (stored) => ({ stored }),
          (failed: unknown) => ({ failed }),
        )
      : undefined;
    const before = this.settled;
    this.settled = (async () => {
      await before;
      await this.settle(batch, prepared, attempt);
      this.inFlight--;
      if (this.queue.length > 0) this.schedule();
    })();
  }

  /** The batch's single statement; undefined (so: the locked way) if the remembered tree cannot take it. */
  private prepare(tip: TreeTip, entries: LogEntry[]): PreparedAppend | undefined {
    try {
      return this.writer.prepare(tip, entries);
    } catch (error) {
      this.logger.error({ msg: 'could not compute a batch on the remembered tree; writing it the locked way', error: (error as Error).message });
      return undefined;
    }
  }

  /** Whether the next batch may be sent as the single statement. */
  private optimistic(): boolean {
    return this.singleStatement && Date.now() >= this.contendedUntil;
  }

  private async settle(batch: Pending[], prepared: PreparedAppend | undefined, attempt: Promise<Attempt> | undefined): Promise<void> {
    const entries = batch.map((p) => p.entry);
    try {
      const outcome = attempt ? await attempt : { stored: false as const };
      if ('failed' in outcome) throw outcome.failed;
      let start: number;
      if (outcome.stored && prepared) {
        start = prepared.at.size;
      } else {
        // Another process appended (or the tree was unknown): the locked way, which reads the
        // edge. Batches sent after this one were computed on a tree that never came: they land
        // here too, and no new batch is sent until the last of them has learnt the tree.
        this.tip = undefined;
        const written = await this.db.transaction((tx) => this.writer.writeLocked(tx, entries));
        start = written.start;
        this.committed.lockedBatches++;
        // A missed statement, or leaves between our last batch and this one: another writer is active.
        if (prepared || (this.lastEnd !== undefined && start !== this.lastEnd)) this.contendedUntil = Date.now() + this.backoffMs;
        if (this.inFlight === 1 && this.optimistic()) this.tip = written.after;
      }
      this.lastEnd = start + batch.length;
      this.committed.batches++;
      this.committed.leaves += batch.length;
      this.batches.inc();
      this.batchSizes.observe(batch.length);
      this.resume(batch, { start });
    } catch (cause) {
      // The tree is unknown now (a broken connection may even have committed): next batch goes the locked way.
      this.tip = undefined;
      this.lastEnd = undefined;
      this.committed.failedBatches++;
      this.failures.inc();
      this.logger.error({ msg: 'log batch failed to commit; its callers were told', leaves: batch.length, error: (cause as Error).message });
      const error = new LogAppendFailed(cause);
      this.resume(batch, { error });
    }
  }
}
