import { Injectable } from '@nestjs/common';
import { Queryable } from './pg-node-store';

/** A stored leaf with the disclosure behind its commitment, if it has one. */
export interface StoredLeaf {
  index: number;
  kind: string;
  body: string;
  leafHash: Buffer;
  disclosure?: { salt: Buffer; record: string };
}

/** Reads of log leaves for the audit API. */
@Injectable()
export class AuditLogRepository {
  /** Leaves [from, from + limit) below `below`, in log order; with `kind`, the first `limit` of that kind from `from`. */
  async page(db: Queryable, from: number, limit: number, below: number, kind?: string): Promise<StoredLeaf[]> {
    // Two texts rather than `$4 IS NULL OR`, so a kind reads its partial index (policy activations, dividends).
    const rows: { index: string; kind: string; body: string; leaf_hash: Buffer; salt: Buffer | null; record: string | null }[] =
      await db.query(
        `SELECT l.index, l.kind, l.body, l.leaf_hash, d.salt, d.record
         FROM log_leaves l LEFT JOIN log_leaf_disclosures d ON d.index = l.index
         WHERE l.index >= $1 AND l.index < $2 ${kind === undefined ? '' : 'AND l.kind = $4'}
         ORDER BY l.index LIMIT $3`,
        kind === undefined ? [from, below, limit] : [from, below, limit, kind],
      );
    return rows.map((r) => ({
      index: Number(r.index),
      kind: r.kind,
      body: r.body,
      leafHash: r.leaf_hash,
      ...(r.salt && r.record !== null ? { disclosure: { salt: r.salt, record: r.record } } : {}),
    }));
  }

  /** The stored leaf hash at `index`, if that leaf exists. */
  async leafHash(db: Queryable, index: number): Promise<Buffer | undefined> {
    const rows: { leaf_hash: Buffer }[] = await db.query(`SELECT leaf_hash FROM log_leaves WHERE index = $1`, [index]);
    return rows[0]?.leaf_hash;
  }

  /**
   * Public decision leaves of one pseudonym period, in log order. A scan of the decision leaves
   * (no index on the period): fine for a co-op's log, to be indexed or precomputed at scale.
   */
  async decisionsInPeriod(db: Queryable, period: string): Promise<unknown[]> {
    const rows: { body: string }[] = await db.query(
      `SELECT body FROM log_leaves
       WHERE kind = 'dispatch_decision' AND (body::jsonb #>> '{privacy,period}') = $1
       ORDER BY index`,
      [period],
    );
    return rows.map((r) => JSON.parse(r.body));
  }
}
