import { Injectable } from '@nestjs/common';
import { Queryable } from './pg-node-store';

/** A stored signed tree head. */
export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  signedAt: Date;
  body: string;
  signature: string;
  keyId: string;
}

interface Row {
  tree_size: string;
  root_hash: Buffer;
  signed_at: Date;
  body: string;
  signature: string;
  key_id: string;
}

const toCheckpoint = (r: Row): StoredCheckpoint => ({
  treeSize: Number(r.tree_size),
  rootHash: r.root_hash,
  signedAt: r.signed_at,
  body: r.body,
  signature: r.signature,
  keyId: r.key_id,
});

/** Reads of the log's size and its signed checkpoints; checkpoint inserts. */
@Injectable()
export class CheckpointsRepository {
  /** Committed number of leaves (every node of that tree is committed with it). */
  async headSize(db: Queryable): Promise<number> {
    const rows: { size: string }[] = await db.query(`SELECT size FROM log_head`);
    return Number(rows[0].size);
  }

  async latest(db: Queryable): Promise<StoredCheckpoint | undefined> {
    const rows: Row[] = await db.query(`SELECT * FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1`);
    return rows[0] && toCheckpoint(rows[0]);
  }

  /** Stores a checkpoint; false when one for this size exists already. */
  async insert(db: Queryable, cp: StoredCheckpoint): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `INSERT INTO log_checkpoints (tree_size, root_hash, signed_at, body, signature, key_id)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tree_size) DO NOTHING RETURNING 1`,
      [cp.treeSize, cp.rootHash, cp.signedAt, cp.body, cp.signature, cp.keyId],
    );
    return rows.length === 1;
  }
}
