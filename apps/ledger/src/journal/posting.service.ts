import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { JournalTransaction, assertBalanced } from '@coop/money';
import { Metrics } from '@coop/platform';
import { AppendResult, LedgerRepository } from './ledger.repository';

/**
 * Posts journal transactions built by the posting rules of @coop/money: checks them in code
 * (assertBalanced) before the database checks them again, and counts what was posted.
 */
@Injectable()
export class PostingService {
  private readonly posted: Counter<'kind' | 'outcome'>;

  constructor(
    private readonly journal: LedgerRepository,
    metrics: Metrics,
  ) {
    this.posted = metrics.counter('ledger_transactions_total', 'Ledger appends by kind and outcome (new or duplicate)', ['kind', 'outcome']);
  }

  async post(tx: JournalTransaction): Promise<AppendResult> {
    assertBalanced(tx);
    const result = await this.journal.append(tx);
    this.posted.inc({ kind: tx.kind, outcome: result.outcome });
    return result;
  }
}
