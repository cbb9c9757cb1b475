import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '@coop/platform';

export interface StoredIdempotency {
  requestHash: string;
  statusCode: number | null;
  response: unknown;
  stale: boolean;
}

/** Idempotency keys with the first answer given for each (per member). */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Claims the key for a new request; false when it already exists. The claim's commit does not
   * wait for its WAL flush (synchronous_commit off for this statement's transaction only), which
   * takes an fsync off every keyed request. Nothing is lost by it: WAL is flushed in order, so
   * when anything the request then writes is durable (its commits wait for their flush), the
   * claim before it is too; a crash that loses the claim lost every effect of the request with
   * it, and the retry runs it as new. Other transactions see the claim at once all the same.
   */
  async claim(scope: string, key: string, requestHash: string): Promise<boolean> {
    const rows = await this.db.query(
      `WITH no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))
       INSERT INTO idempotency_keys (member_id, key, request_hash) SELECT $1, $2, $3 FROM no_flush_wait
       ON CONFLICT DO NOTHING RETURNING key`,
      [scope, key, requestHash],
    );
    return rows.length > 0;
  }

  /** The stored row; `stale` when a claim has waited for its answer longer than `staleSeconds`. */
  async find(scope: string, key: string, staleSeconds: number): Promise<StoredIdempotency | undefined> {
    const rows: StoredIdempotency[] = await this.db.query(
      `SELECT request_hash AS "requestHash", status_code AS "statusCode", response,
              created_at < now() - make_interval(secs => $3) AS stale
         FROM idempotency_keys WHERE member_id = $1 AND key = $2`,
      [scope, key, staleSeconds],
    );
    return rows[0];
  }

  async complete(scope: string, key: string, statusCode: number, response: unknown): Promise<void> {
    await this.db.query(`UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE member_id = $1 AND key = $2`, [
      scope, key, statusCode, JSON.stringify(response ?? null),
    ]);
  }

  /** Frees a key whose request failed, so the client's retry runs it again. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE member_id = $1 AND key = $2 AND status_code IS NULL`, [scope, key]);
  }

  /** Takes over a stale claim (its process died); false if someone else did first. */
  async retake(scope: string, key: string, staleSeconds: number): Promise<boolean> {
    const rows = returnedRows(await this.db.query(
      `UPDATE idempotency_keys SET created_at = now() WHERE member_id = $1 AND key = $2 AND status_code IS NULL
         AND created_at < now() - make_interval(secs => $3) RETURNING key`,
      [scope, key, staleSeconds],
    ));
    return rows.length > 0;
  }
}
