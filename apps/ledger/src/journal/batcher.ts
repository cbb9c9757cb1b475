/**
 * Batches concurrent requests: those that arrive while a flush is in flight wait for it and
 * then go together in the next flush. For appends this is a group commit: N concurrent
 * postings cost one round trip and one commit (one WAL flush) instead of N; for reads, one
 * query instead of N. A lone request is flushed at once: batching adds no latency when there
 * is nothing to batch with. The flush answers each request on its own (a value or an
 * error), so one bad request does not fail its neighbours.
 *
 * The idea is PostgreSQL's own commit_delay/commit_siblings, done by the client, where it
 * also saves the statements' round trips and parse/plan work.
 */

/** One request's answer from a flush. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface BatcherOptions {
  /** Flushes running at once (each holds one database connection). */
  maxInFlight: number;
  /** Most requests in one flush. */
  maxBatch: number;
}

interface Waiting<T, R> {
  request: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class Batcher<T, R> {
  private readonly waiting: Array<Waiting<T, R>> = [];
  private inFlight = 0;

  /** `flush` must answer every request of its batch, in order; if it throws, all of them fail with that error. */
  constructor(
    private readonly flush: (requests: readonly T[]) => Promise<Array<Settled<R>>>,
    private readonly options: BatcherOptions,
  ) {
    if (options.maxInFlight < 1 || options.maxBatch < 1) throw new Error('a batcher needs maxInFlight >= 1 and maxBatch >= 1');
  }

  submit(request: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Array<Waiting<T, R>>): Promise<void> {
    let answers: Array<Settled<R>>;
    try {
      answers = await this.flush(batch.map((w) => w.request));
      if (answers.length !== batch.length) throw new Error(`flush answered ${answers.length} of ${batch.length} requests`);
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const answer = answers[i]!;
      if (answer.ok) w.resolve(answer.value);
      else w.reject(answer.error);
    });
  }
}
