import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig, Metrics } from '@coop/platform';
import { LedgerRepository } from '../journal/ledger.repository';
import { BalanceReplay, ReconciliationReport } from './reconcile';

const PAGE = 2000;
const EVERY_MS = 15 * 60_000;

/**
 * Recomputes every balance from the entries and compares it with the database's sums,
 * every 15 minutes in a process that runs workers, and on demand. The gauge
 * `ledger_reconciliation_differences` is the number of accounts (plus invalid entries) that
 * disagree: anything above zero is an alert.
 *
 * Partial: the replay reads the whole journal each run (paged, in journal order); past a few
 * million entries it should start from a checkpoint of verified balances instead.
 */
@Injectable()
export class ReconciliationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ledger-reconciliation');
  private readonly gauge: Gauge;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly journal: LedgerRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.gauge = metrics.gauge('ledger_reconciliation_differences', 'Accounts whose replayed balance differs from the summed one, plus entries failing the journal rules');
  }

  onApplicationBootstrap(): void {
    if (!this.config.WORKERS) return;
    this.timer = setInterval(() => void this.run().catch((error: Error) => this.logger.warn({ msg: 'reconciliation failed', error: error.message })), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<ReconciliationReport> {
    // One snapshot for the sums and the replay, so a posting committed meanwhile is in both or neither.
    const report = await this.journal.snapshot(async (m) => {
      const summed = await this.journal.balances(undefined, m);
      const replay = new BalanceReplay();
      for (let after = 0n; ; ) {
        const page = await this.journal.page(after, PAGE, m);
        if (page.length === 0) break;
        replay.add(page.map((s) => s.tx));
        after = page[page.length - 1]!.seq;
      }
      return replay.compare(summed);
    });
    this.gauge.set(report.differences.length + report.invalidEntries.length);
    if (report.differences.length || report.invalidEntries.length) {
      this.logger.error({ msg: 'ledger reconciliation found differences', differences: report.differences, invalidEntries: report.invalidEntries });
    }
    return report;
  }
}
