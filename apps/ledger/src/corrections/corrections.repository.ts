import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReversingEntry } from './correction-postings';

/** The entries that reverse an original (refunds and corrections), read for its chain. */
@Injectable()
export class CorrectionsRepository {
  constructor(private readonly db: DataSource) {}

  /** The entries reversing `originalId` in journal order, each with its posted amount on `riderAccount`. */
  async reversing(originalId: string, riderAccount: string): Promise<ReversingEntry[]> {
    const rows: Array<{ id: string; kind: string; rider: string }> = await this.db.query(
      `SELECT t.id, t.kind, coalesce(sum(p.amount) FILTER (WHERE p.account_id = $2 AND NOT p.pending), 0)::text AS rider
         FROM ledger_transactions t JOIN ledger_postings p ON p.transaction_id = t.id
        WHERE t.reverses = $1
        GROUP BY t.id, t.seq ORDER BY t.seq`,
      [originalId, riderAccount],
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind, riderAmount: BigInt(r.rider) }));
  }
}
