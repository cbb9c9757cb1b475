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

/** Which leaves a page holds (every field optional: all leaves). */
export interface LeafFilter {
  kind?: string;
  /** Logged at or after (log_leaves.created_at). */
  since?: Date;
  /** Logged before. */
  until?: Date;
  /** A decision whose (public, coarsened) pickup cell is this. */
  pickupCell?: string;
  /** A decision whose sealed full record names this member id (the caller's own decisions). */
  namesMember?: string;
}

/** Reads of log leaves for the audit API. */
@Injectable()
export class AuditLogRepository {
  /**
   * Leaves [from, from + limit) below `below`, in log order; with filters, the first `limit`
   * matching leaves from `from`. Only the filters given are in the SQL text, so a kind alone
   * reads its partial index (policy activations, dividends). The others scan forward from `from`
   * until `limit` match (no index on the leaf's JSON yet): fine for a co-op's log, to be indexed
   * at scale.
   */
  async page(db: Queryable, from: number, limit: number, below: number, filter: LeafFilter = {}): Promise<StoredLeaf[]> {
    const params: unknown[] = [from, below, limit];
    const p = (v: unknown) => `$${params.push(v)}`;
    const conditions: string[] = [];
    if (filter.kind !== undefined) conditions.push(`l.kind = ${p(filter.kind)}`);
    if (filter.since !== undefined) conditions.push(`l.created_at >= ${p(filter.since)}::timestamptz`);
    if (filter.until !== undefined) conditions.push(`l.created_at < ${p(filter.until)}::timestamptz`);
    if (filter.pickupCell !== undefined) {
      // An immediate decision's search, or any request's search in a batch decision.
      const vars = `jsonb_build_object('c', ${p(filter.pickupCell)}::text)`;
      conditions.push(`l.kind = 'dispatch_decision' AND (
        jsonb_path_exists(l.body::jsonb, '$.record.search.pickupCell ? (@ == $c)', ${vars})
        OR jsonb_path_exists(l.body::jsonb, '$.record.requests[*].search.pickupCell ? (@ == $c)', ${vars}))`);
    }
    if (filter.namesMember !== undefined) {
      conditions.push(`l.kind = 'dispatch_decision' AND strpos(d.record, ${p(`"${filter.namesMember.toLowerCase()}"`)}) > 0`);
    }
    const rows: { index: string; kind: string; body: string; leaf_hash: Buffer; salt: Buffer | null; record: string | null }[] =
      await db.query(
        `SELECT l.index, l.kind, l.body, l.leaf_hash, d.salt, d.record
         FROM log_leaves l LEFT JOIN log_leaf_disclosures d ON d.index = l.index
         WHERE l.index >= $1 AND l.index < $2 ${conditions.map((c) => `AND (${c})`).join(' ')}
         ORDER BY l.index LIMIT $3`,
        params,
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
