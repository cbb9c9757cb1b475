import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canonicalize } from '@coop/canonical-json';
import { hashLeaf } from '@coop/transparency-log';
import { DIVIDEND_LEAF_KIND, DividendAllocationRecord, dividendLeaf, dividendPseudonym, dividendPseudonymKey } from './dividend-leaf';
import { LogBatchWriter, LogEntry, LogEntryKind } from './log-batch.writer';
import { PseudonymKeys } from './pseudonym-keys';

type Queryable = { query(sql: string, params?: unknown[]): Promise<any> };

interface ClosedPeriod {
  year: number;
  allocation: Omit<DividendAllocationRecord, 'members' | 'transactionId'> & {
    members: Array<{ memberId: string; patronage: number; allocation: number; cash: number; retained: number }>;
  };
  transaction_id: string | null;
}

/**
 * Logs each closed dividend period once, the whole allocation as a `dividend_allocation` leaf
 * (dividend-leaf.ts). apps/payouts closes periods (dividend_periods) and may not import this
 * app, so, like policy activations, the checkpoint tick picks up what is closed and not yet
 * logged; the log_head lock makes the check and the append atomic.
 */
@Injectable()
export class DividendAllocationLog {
  private readonly writer = new LogBatchWriter();

  constructor(
    private readonly db: DataSource,
    private readonly keys: PseudonymKeys,
  ) {}

  /** Appends a leaf for each closed period not logged yet; returns the years logged. */
  async logNew(): Promise<number[]> {
    const logged: number[] = [];
    for (const { year } of await this.pending(this.db)) {
      // The key lookup may write the secrets table: done before the lock, like the leaf builder's.
      const key = dividendPseudonymKey(await this.keys.keyFor(String(year)));
      const done = await this.db.transaction(async (tx) => {
        await tx.query(`SELECT size FROM log_head FOR UPDATE`);
        const period = (await this.pending(tx)).find((p) => p.year === year);
        if (!period) return false;
        const leaf = dividendLeaf(period.allocation, period.transaction_id, (id) => dividendPseudonym(key, id));
        const body = canonicalize(leaf);
        // The cast: log-leaf.ts's LogLeaf union (the log engineer's file) does not name this kind yet.
        const entry: LogEntry = { kind: DIVIDEND_LEAF_KIND as unknown as LogEntryKind, body, leafHash: hashLeaf(Buffer.from(body, 'utf8')), tripId: null };
        await this.writer.write(tx, [entry]);
        return true;
      });
      if (done) logged.push(year);
    }
    return logged;
  }

  private pending(db: Queryable): Promise<ClosedPeriod[]> {
    return db.query(
      `SELECT p.year, p.allocation, p.transaction_id
         FROM dividend_periods p
        WHERE p.status = 'closed'
          AND NOT EXISTS (
            SELECT 1 FROM log_leaves l
             WHERE l.kind = '${DIVIDEND_LEAF_KIND}' AND (l.body::jsonb #>> '{record,year}')::int = p.year)
        ORDER BY p.year`,
    );
  }
}
