import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PayoutLine } from '@coop/money';
import type { PolicyVersion } from '@coop/policy';
import type { PayoutAccount } from '../payout-accounts/payout-account';
import { accountOf } from '../payout-accounts/payout-accounts.repository';

export type RunStatus = 'planned' | 'posted' | 'filed' | 'completed';
export type ItemStatus = 'planned' | 'posted' | 'submitted' | 'failed';

export interface PayoutRun {
  id: string;
  runKey: string;
  requestedBy: string | null;
  policyVersion: number;
  policyHash: string;
  minimumAmount: string;
  status: RunStatus;
  createdAt: string;
  hasFiles: boolean;
}

export interface PayoutItem {
  runId: string;
  seq: number;
  driverId: string;
  creditorName: string;
  currency: string;
  amount: string;
  transactionId: string;
  endToEndId: string;
  status: ItemStatus;
  providerRef: string | null;
  failure: string | null;
}

/** A driver owed at least the minimum but not paid by a run, and why; their balance stays payable. */
export interface PayoutSkip {
  runId: string;
  driverId: string;
  currency: string;
  amount: string;
  reason: 'NO_PAYOUT_ACCOUNT';
}

/** A planned payout with the payee's account (its payout_accounts row) as of the run's start. */
export type AccountedLine = PayoutLine & { payoutAccountId: string };

const SELECT_RUN = `
  SELECT id, run_key AS "runKey", requested_by AS "requestedBy", policy_version AS "policyVersion", policy_hash AS "policyHash",
         minimum_amount::text AS "minimumAmount", status, xml IS NOT NULL AS "hasFiles",
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
    FROM payout_runs`;

/** Payout runs and their items in PostgreSQL; each status change is its own committed write. */
@Injectable()
export class PayoutRunsRepository {
  constructor(private readonly db: DataSource) {}

  async policyInForce(): Promise<PolicyVersion> {
    const rows: PolicyVersion[] = await this.db.query(
      `SELECT version, hash, document FROM policies WHERE effective_at <= now() ORDER BY effective_at DESC, version DESC LIMIT 1`,
    );
    if (!rows[0]) throw new Error('no policy is stored yet');
    return rows[0];
  }

  async find(id: string): Promise<PayoutRun | undefined> {
    return (await this.db.query(`${SELECT_RUN} WHERE id = $1`, [id]))[0];
  }

  async byKey(key: string): Promise<PayoutRun | undefined> {
    return (await this.db.query(`${SELECT_RUN} WHERE run_key = $1`, [key]))[0];
  }

  async unfinished(): Promise<PayoutRun | undefined> {
    return (await this.db.query(`${SELECT_RUN} WHERE status <> 'completed'`))[0];
  }

  async list(limit: number): Promise<PayoutRun[]> {
    return this.db.query(`${SELECT_RUN} ORDER BY created_at DESC, id LIMIT $1`, [limit]);
  }

  /**
   * Stores a planned run and its items in one transaction. Returns undefined when another
   * unfinished run exists (the partial unique index refuses a second one) or the key is taken.
   * `skipped` are drivers owed money who have no payout account: recorded, not paid.
   */
  async create(key: string, requestedBy: string | null, policy: PolicyVersion, lines: readonly AccountedLine[], skipped: readonly PayoutLine[] = []): Promise<string | undefined> {
    try {
      return await this.db.transaction(async (m) => {
        const [run]: Array<{ id: string }> = await m.query(
          `INSERT INTO payout_runs (run_key, requested_by, policy_version, policy_hash, minimum_amount, status)
           VALUES ($1, $2, $3, $4, $5, 'planned') RETURNING id`,
          [key, requestedBy, policy.version, policy.hash, policy.document.payouts.minimumAmount],
        );
        const id = run!.id;
        const short = id.replace(/-/g, '').slice(0, 24);
        if (lines.length > 0) {
          await m.query(
            `INSERT INTO payout_items (run_id, seq, driver_id, currency, amount, transaction_id, end_to_end_id, status, payout_account_id)
             SELECT $1::uuid, s, d, c, a, 'payout:' || $7::text || ':' || d::text, $2::text || '-' || s::text, 'planned', acc
               FROM unnest($3::int[], $4::uuid[], $5::text[], $6::bigint[], $8::bigint[]) AS t (s, d, c, a, acc)`,
            [id, `P${short}`, lines.map((_, i) => i + 1), lines.map((l) => l.driverId), lines.map((l) => l.amount.currency), lines.map((l) => l.amount.amount.toString()), id, lines.map((l) => l.payoutAccountId)],
          );
        }
        if (skipped.length > 0) {
          await m.query(
            `INSERT INTO payout_skips (run_id, driver_id, currency, amount, reason)
             SELECT $1::uuid, d, c, a, 'NO_PAYOUT_ACCOUNT' FROM unnest($2::uuid[], $3::text[], $4::bigint[]) AS t (d, c, a)`,
            [id, skipped.map((l) => l.driverId), skipped.map((l) => l.amount.currency), skipped.map((l) => l.amount.amount.toString())],
          );
        }
        return id;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return undefined;
      throw error;
    }
  }

  async items(runId: string, driverId?: string): Promise<PayoutItem[]> {
    return this.db.query(
      `SELECT i.run_id AS "runId", i.seq, i.driver_id AS "driverId", m.display_name AS "creditorName", trim(i.currency) AS currency,
              i.amount::text AS amount, i.transaction_id AS "transactionId", i.end_to_end_id AS "endToEndId", i.status,
              i.provider_ref AS "providerRef", i.failure
         FROM payout_items i JOIN members m ON m.id = i.driver_id
        WHERE i.run_id = $1 AND ($2::uuid IS NULL OR i.driver_id = $2) ORDER BY i.seq`,
      [runId, driverId ?? null],
    );
  }

  /** The account each item of a run is paid to (items planned before accounts existed have none). */
  async accountsOfRun(runId: string): Promise<Map<string, PayoutAccount>> {
    const rows = await this.db.query(
      `SELECT i.driver_id AS "driverId", a.id::text AS id, a.member_id AS "memberId", a.kind, a.holder_name AS "holderName", a.iban, a.bic,
              a.ca_institution AS institution, a.ca_transit AS transit, a.ca_account AS account,
              to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
         FROM payout_items i JOIN payout_accounts a ON a.id = i.payout_account_id WHERE i.run_id = $1`,
      [runId],
    );
    return new Map(rows.map((r: { driverId: string } & Parameters<typeof accountOf>[0]) => [r.driverId, accountOf(r)]));
  }

  async skips(runId: string): Promise<PayoutSkip[]> {
    return this.db.query(
      `SELECT run_id AS "runId", driver_id AS "driverId", trim(currency) AS currency, amount::text AS amount, reason FROM payout_skips WHERE run_id = $1 ORDER BY driver_id`,
      [runId],
    );
  }

  /** The runs that skipped a driver, newest first. */
  async skipsOfDriver(driverId: string, limit: number): Promise<Array<PayoutSkip & { runCreatedAt: string }>> {
    return this.db.query(
      `SELECT s.run_id AS "runId", s.driver_id AS "driverId", trim(s.currency) AS currency, s.amount::text AS amount, s.reason,
              to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "runCreatedAt"
         FROM payout_skips s JOIN payout_runs r ON r.id = s.run_id WHERE s.driver_id = $1 ORDER BY r.created_at DESC LIMIT $2`,
      [driverId, limit],
    );
  }

  /** A driver's payout items across runs, newest first. */
  async itemsOfDriver(driverId: string, limit: number): Promise<Array<PayoutItem & { runCreatedAt: string }>> {
    return this.db.query(
      `SELECT i.run_id AS "runId", i.seq, i.driver_id AS "driverId", m.display_name AS "creditorName", trim(i.currency) AS currency,
              i.amount::text AS amount, i.transaction_id AS "transactionId", i.end_to_end_id AS "endToEndId", i.status,
              i.provider_ref AS "providerRef", i.failure,
              to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "runCreatedAt"
         FROM payout_items i JOIN members m ON m.id = i.driver_id JOIN payout_runs r ON r.id = i.run_id
        WHERE i.driver_id = $1 ORDER BY r.created_at DESC LIMIT $2`,
      [driverId, limit],
    );
  }

  async setItem(runId: string, driverId: string, status: ItemStatus, details: { providerRef?: string; failure?: string } = {}): Promise<void> {
    await this.db.query(`UPDATE payout_items SET status = $3, provider_ref = coalesce($4, provider_ref), failure = $5 WHERE run_id = $1 AND driver_id = $2`, [
      runId, driverId, status, details.providerRef ?? null, details.failure ?? null,
    ]);
  }

  async setRun(runId: string, status: RunStatus, files?: { csv: string; xml: string }): Promise<void> {
    await this.db.query(
      `UPDATE payout_runs SET status = $2, csv = coalesce($3, csv), xml = coalesce($4, xml), updated_at = now() WHERE id = $1`,
      [runId, status, files?.csv ?? null, files?.xml ?? null],
    );
  }

  async file(runId: string, kind: 'csv' | 'xml'): Promise<string | null | undefined> {
    const rows: Array<{ body: string | null }> = await this.db.query(`SELECT ${kind === 'csv' ? 'csv' : 'xml'} AS body FROM payout_runs WHERE id = $1`, [runId]);
    return rows[0]?.body;
  }
}
