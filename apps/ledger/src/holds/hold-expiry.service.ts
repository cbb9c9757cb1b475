import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { JournalTransaction, isMoneyError } from '@coop/money';
import { APP_CONFIG, AppConfig, Clock, Metrics } from '@coop/platform';
import { holdExpired } from '../events/hold-postings';
import { LedgerRepository } from '../journal/ledger.repository';
import { PostingService } from '../journal/posting.service';

/**
 * How long a card hold may wait for its trip's outcome. A trip ends in hours; card networks
 * keep an authorization for days, so a day leaves room for a slow outcome (a relay retrying
 * for an hour) and still releases the rider's money the next day.
 */
export const HOLD_TIMEOUT_MS = 24 * 60 * 60_000;
const EVERY_MS = 60_000;
const PAGE = 500;
/** How far below the last finished run's cutoff the next run starts (see the class comment). */
export const WATERMARK_MARGIN_MS = 60 * 60_000;

/**
 * Voids holds that saw no completion or cancellation within HOLD_TIMEOUT_MS (`trip:<id>:hold:expired`),
 * every minute in each process that runs workers. Several processes may run it at once: the
 * void's id comes from the trip and a hold is resolved at most once (a unique index), so a
 * race ends with one void, or with the trip's own outcome if that came first.
 *
 * Incremental: a hold's pending row is never removed, so a scan from the beginning would
 * probe every hold ever placed, each minute. After a run that finished, every hold placed
 * before its cutoff is resolved, so the next run starts at that cutoff less WATERMARK_MARGIN_MS
 * (the watermark, kept in memory: a new process scans everything once). The margin covers a
 * hold whose row carries its transaction's start time but committed after the scan; such a
 * transaction is one statement, far shorter than the margin.
 */
@Injectable()
export class HoldExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ledger-holds');
  private readonly expired: Counter;
  private timer?: NodeJS.Timeout;
  /** Every hold placed before this is resolved (undefined: not known yet, scan everything). */
  private watermark?: Date;

  constructor(
    private readonly journal: LedgerRepository,
    private readonly postings: PostingService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.expired = metrics.counter('ledger_holds_expired_total', 'Card holds voided because their trip had no outcome in time');
  }

  onApplicationBootstrap(): void {
    if (!this.config.WORKERS) return;
    this.timer = setInterval(() => void this.run().catch((error: Error) => this.logger.warn({ msg: 'hold expiry failed', error: error.message })), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Voids every hold placed more than `timeoutMs` ago that is still pending; returns how many it voided. */
  async run(timeoutMs = HOLD_TIMEOUT_MS): Promise<number> {
    const cutoff = new Date(this.clock.nowMs() - timeoutMs);
    let voided = 0;
    for (;;) {
      const holds = await this.journal.holdsPendingSince(cutoff, PAGE, this.watermark);
      // All at once: the group commit writes them in a few statements.
      const outcomes = await Promise.all(holds.map(({ tx }) => this.expire(tx)));
      voided += outcomes.filter((o) => o === 'new').length;
      if (holds.length < PAGE) break;
    }
    // Only a run that went through (no throw above) moves the watermark.
    this.watermark = new Date(cutoff.getTime() - WATERMARK_MARGIN_MS);
    this.expired.inc(voided);
    if (voided > 0) this.logger.log({ msg: 'voided card holds with no trip outcome', voided, cutoff: cutoff.toISOString() });
    return voided;
  }

  private async expire(holdTx: JournalTransaction): Promise<'new' | 'duplicate' | 'resolved'> {
    try {
      const [result] = await this.postings.postTogether([holdExpired(holdTx, String(holdTx.metadata.tripId))]);
      return result!.outcome;
    } catch (error) {
      // The trip's outcome resolved it between our read and our void: nothing left to do.
      if (isMoneyError(error) && error.code === 'LEDGER.INVALID_PENDING') return 'resolved';
      throw error;
    }
  }
}
