import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { canonicalize } from '@coop/canonical-json';

export type LogEntryKind = 'dispatch_decision' | 'policy_activation';

/** RFC 9162 section 2.1.1: a leaf's hash is SHA-256(0x00 || leaf bytes). */
function leafHash(body: string): Buffer {
  return createHash('sha256').update(Buffer.from([0])).update(body, 'utf8').digest();
}

/**
 * Appends records to the transparency log inside the caller's transaction, so a decision is
 * durable together with the offer it leads to. The log_head row lock hands out contiguous
 * indices in one order across every process.
 */
@Injectable()
export class DecisionLogRepository {
  /** Appends one record as RFC 8785 canonical JSON; returns its leaf index. */
  async append(db: EntityManager, kind: LogEntryKind, record: unknown, tripId?: string): Promise<number> {
    const body = canonicalize({ kind, record });
    const rows: { index: string }[] = await db.query(
      `WITH head AS (UPDATE log_head SET size = size + 1 WHERE id RETURNING size - 1 AS index)
       INSERT INTO log_leaves (index, kind, body, leaf_hash, trip_id)
       SELECT head.index, $1, $2, $3, $4 FROM head RETURNING index`,
      [kind, body, leafHash(body), tripId ?? null],
    );
    return Number(rows[0].index);
  }
}
