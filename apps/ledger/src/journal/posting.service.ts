import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { JournalTransaction, assertBalanced } from '@coop/money';
import { Metrics } from '@coop/platform';
import { Batcher, BatcherOptions } from './batcher';
import { AppendResult, AppendUnit, EntryResult, LedgerRepository, SkippedResolution } from './ledger.repository';

/**
 * Two flushes at once: while one waits for its commit's WAL flush, the next batch is
 * already on its way (measured in apps/ledger/README.md, Benchmark).
 */
export const POSTING_GROUP_COMMIT: BatcherOptions = { maxInFlight: 2, maxBatch: 64 };

/**
 * Posts journal transactions built by the posting rules of @coop/money: checks them in code
 * (assertBalanced) before the database checks them again, sends them through a group commit
 * (concurrent postings share one statement and one commit), and counts what was posted.
 */
@Injectable()
export class PostingService {
  private readonly posted: Counter<'kind' | 'outcome'>;
  private readonly commits: Batcher<AppendUnit, EntryResult[]>;

  constructor(
    private readonly journal: LedgerRepository,
    metrics: Metrics,
  ) {
    this.posted = metrics.counter('ledger_transactions_total', 'Ledger appends by kind and outcome (new or duplicate)', ['kind', 'outcome']);
    this.commits = new Batcher((units) => this.journal.appendUnits(units), POSTING_GROUP_COMMIT);
  }

  async post(tx: JournalTransaction): Promise<AppendResult> {
    return (await this.postTogether([tx]))[0]!;
  }

  /** Posts the entries atomically: all of them or none (e.g. a completion and its capture). */
  async postTogether(txs: readonly JournalTransaction[]): Promise<AppendResult[]> {
    return (await this.submit(txs)) as AppendResult[];
  }

  /**
   * Posts `entry` and, atomically with it, `resolution` of a hold if that hold is still
   * pending; the resolution is built from the event, not from the stored hold (see
   * IfHoldPending). When the hold is missing or resolved already, `entry` is posted alone
   * and the resolution comes back skipped with the hold's state.
   */
  async postWithResolution(entry: JournalTransaction, resolution: JournalTransaction): Promise<[AppendResult, AppendResult | SkippedResolution]> {
    const [posted, resolved] = await this.submit([entry, { ifHoldPending: resolution }]);
    return [posted as AppendResult, resolved!];
  }

  private async submit(unit: AppendUnit): Promise<EntryResult[]> {
    for (const e of unit) assertBalanced('ifHoldPending' in e ? e.ifHoldPending : e);
    const results = await this.commits.submit(unit);
    for (const r of results) this.posted.inc({ kind: r.outcome === 'skipped' ? r.tx.kind : r.stored.tx.kind, outcome: r.outcome });
    return results;
  }
}
