import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@coop/platform';
import type { PolicyVersion } from '@coop/policy';

export type Basis = 'fare_revenue' | 'trips' | 'online_hours';

/** The stored allocation: inputs and results, amounts as integers of minor units (published as is). */
export interface StoredAllocation {
  year: number;
  from: string;
  to: string;
  currency: string;
  basis: Basis;
  policyVersion: number;
  policyHash: string;
  revenue: number;
  expenses: number;
  surplus: number;
  reserveBasisPoints: number;
  cashBasisPoints: number;
  reserve: number;
  allocated: number;
  rule: string;
  members: Array<{ memberId: string; patronage: number; allocation: number; cash: number; retained: number }>;
}

export interface PeriodRow {
  year: number;
  status: 'open' | 'closing' | 'closed';
  allocation: StoredAllocation | null;
  transactionId: string | null;
}

/**
 * Periods, expenses and allocations; and the read-only figures a close needs from the shared
 * schema (ledger postings for revenue and fare patronage, trips, online sessions).
 */
@Injectable()
export class DividendsRepository {
  constructor(private readonly db: DataSource) {}

  async policyInForce(): Promise<PolicyVersion> {
    const rows: PolicyVersion[] = await this.db.query(
      `SELECT version, hash, document FROM policies WHERE effective_at <= now() ORDER BY effective_at DESC, version DESC LIMIT 1`,
    );
    return rows[0]!;
  }

  async period(year: number, create = false): Promise<PeriodRow | undefined> {
    if (create) await this.db.query(`INSERT INTO dividend_periods (year) VALUES ($1) ON CONFLICT DO NOTHING`, [year]);
    const rows: PeriodRow[] = await this.db.query(
      `SELECT year, status, allocation, transaction_id AS "transactionId" FROM dividend_periods WHERE year = $1`,
      [year],
    );
    return rows[0];
  }

  async expenses(year: number) {
    return this.db.query(
      `SELECT id, description, json_build_object('amount', amount, 'currency', trim(currency)) AS amount,
              to_char(entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "enteredAt"
         FROM dividend_expenses WHERE year = $1 ORDER BY entered_at, id`,
      [year],
    );
  }

  /** Records an expense while the period is open (the period row is locked, so a close cannot miss it). */
  async addExpense(year: number, description: string, amount: number, currency: string, by: string): Promise<string> {
    await this.period(year, true);
    return this.db.transaction(async (m) => {
      const [p] = await m.query(`SELECT status FROM dividend_periods WHERE year = $1 FOR UPDATE`, [year]);
      if (p.status !== 'open') throw new DomainError('DIVIDEND_PERIOD_CLOSED');
      const [row] = await m.query(
        `INSERT INTO dividend_expenses (year, description, currency, amount, entered_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [year, description, currency, amount, by],
      );
      return row.id as string;
    });
  }

  /** Revenue of the period: credits to commission and common fund less refunds, dividend entries left out. */
  async revenue(from: Date, to: Date, currency: string): Promise<bigint> {
    const [row] = await this.db.query(
      `SELECT coalesce(-sum(p.amount), 0)::text AS revenue
         FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
        WHERE p.account_id IN ('coop:commission', 'coop:common-fund', 'coop:refunds') AND NOT p.pending
          AND p.currency = $3 AND t.kind <> 'dividend' AND t.posted_at >= $1 AND t.posted_at < $2`,
      [from, to, currency],
    );
    return BigInt(row.revenue);
  }

  async expenseTotal(year: number, currency: string): Promise<bigint> {
    const [row] = await this.db.query(`SELECT coalesce(sum(amount), 0)::text AS total FROM dividend_expenses WHERE year = $1 AND currency = $2`, [year, currency]);
    return BigInt(row.total);
  }

  /**
   * Each member's patronage in [from, to) by the policy's basis, members of the listed
   * classes only: fare_revenue = the fares of completed trips they rode or drove (minor
   * units); trips = completed trips they rode or drove; online_hours = seconds online (drivers).
   */
  async patronage(basis: Basis, from: Date, to: Date, classes: readonly string[]): Promise<Array<{ memberId: string; patronage: bigint }>> {
    const byBasis: Record<Basis, string> = {
      fare_revenue: `
        SELECT a.member_id AS id, sum(abs(p.amount)) AS v
          FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id JOIN ledger_accounts a ON a.id = p.account_id
         WHERE t.kind = 'trip.completed' AND NOT p.pending AND a.kind IN ('driver-payable', 'rider-receivable')
           AND t.posted_at >= $1 AND t.posted_at < $2
         GROUP BY a.member_id`,
      trips: `
        SELECT id, count(*) AS v FROM (
          SELECT driver_id AS id FROM trips WHERE status = 'completed' AND completed_at >= $1 AND completed_at < $2
          UNION ALL SELECT rider_id FROM trips WHERE status = 'completed' AND completed_at >= $1 AND completed_at < $2) x
         WHERE id IS NOT NULL GROUP BY id`,
      online_hours: `
        SELECT driver_id AS id, sum(extract(epoch FROM least(last_seen_at, $2) - greatest(started_at, $1)))::bigint AS v
          FROM driver_online_sessions WHERE last_seen_at > $1 AND started_at < $2 GROUP BY driver_id`,
    };
    const rows: Array<{ id: string; v: string }> = await this.db.query(
      `SELECT b.id::text AS id, b.v::text AS v FROM (${byBasis[basis]}) b JOIN members m ON m.id::text = b.id::text
        WHERE m.role = ANY($3) AND b.v > 0 ORDER BY b.id::text COLLATE "C"`,
      [from, to, classes],
    );
    return rows.map((r) => ({ memberId: r.id, patronage: BigInt(r.v) }));
  }

  /** Stores the computed allocation once (status closing); returns the period as it then stands. */
  async storeClosing(year: number, allocation: StoredAllocation, policy: PolicyVersion, by: string): Promise<PeriodRow> {
    await this.db.transaction(async (m) => {
      const [p] = await m.query(`SELECT status FROM dividend_periods WHERE year = $1 FOR UPDATE`, [year]);
      if (p.status !== 'open') return;
      await m.query(
        `UPDATE dividend_periods SET status = 'closing', allocation = $2, policy_version = $3, policy_hash = $4, closed_by = $5, closed_at = now() WHERE year = $1`,
        [year, allocation, policy.version, policy.hash, by],
      );
      if (allocation.members.length > 0) {
        await m.query(
          `INSERT INTO dividend_allocations (year, member_id, patronage, allocation, cash, retained)
           SELECT $1, * FROM unnest($2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])`,
          [year, ...(['memberId', 'patronage', 'allocation', 'cash', 'retained'] as const).map((k) => allocation.members.map((x) => x[k]))],
        );
      }
    });
    return (await this.period(year))!;
  }

  async markClosed(year: number, transactionId: string | null): Promise<void> {
    await this.db.query(`UPDATE dividend_periods SET status = 'closed', transaction_id = $2 WHERE year = $1 AND status = 'closing'`, [year, transactionId]);
  }
}
