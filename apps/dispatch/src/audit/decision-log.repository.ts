import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { DecisionRecord } from '@coop/matching';
import { hashLeaf } from '@coop/transparency-log';
import { PolicyActivationLeaf, leafText } from './log-leaf';
import { LogLeafBuilder } from './log-leaf.builder';
import { PgNodeStore } from './pg-node-store';

export type LogEntryKind = 'dispatch_decision' | 'policy_activation';

/**
 * Appends records to the transparency log inside the caller's transaction, so a decision is
 * durable together with the offer it leads to. The log_head row lock hands out contiguous
 * indices in one order across every process and is held until commit, which also serializes
 * the Merkle node writes: leaf, nodes and disclosure commit or roll back together.
 */
@Injectable()
export class DecisionLogRepository {
  constructor(private readonly leaves: LogLeafBuilder) {}

  /** Appends one record as an RFC 8785 canonical JSON leaf; returns its leaf index. */
  async append(db: EntityManager, kind: 'dispatch_decision', record: DecisionRecord, tripId?: string): Promise<number>;
  async append(db: EntityManager, kind: 'policy_activation', record: PolicyActivationLeaf['record']): Promise<number>;
  async append(db: EntityManager, kind: LogEntryKind, record: unknown, tripId?: string): Promise<number> {
    // Built before the lock: key lookups and hashing stay out of the critical section.
    const built =
      kind === 'dispatch_decision'
        ? await this.leaves.decision(record as DecisionRecord)
        : this.leaves.policyActivation(record as PolicyActivationLeaf['record']);
    const body = leafText(built.leaf);
    const leafHash = hashLeaf(Buffer.from(body, 'utf8'));
    const rows: { index: string }[] = await db.query(
      `WITH head AS (UPDATE log_head SET size = size + 1 WHERE id RETURNING size - 1 AS index)
       INSERT INTO log_leaves (index, kind, body, leaf_hash, trip_id)
       SELECT head.index, $1, $2, $3, $4 FROM head RETURNING index`,
      [kind, body, Buffer.from(leafHash), tripId ?? null],
    );
    const index = Number(rows[0].index);
    await new PgNodeStore(db).append(index, [leafHash]);
    if (built.disclosure) {
      await db.query(`INSERT INTO log_leaf_disclosures (index, salt, record) VALUES ($1, $2, $3)`, [
        index,
        built.disclosure.salt,
        built.disclosure.record,
      ]);
    }
    return index;
  }
}
