import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { DecisionRecord } from '@coop/matching';
import { computeAppend, hashLeaf } from '@coop/transparency-log';
import { PolicyActivationLeaf, leafText } from './log-leaf';
import { LogLeafBuilder } from './log-leaf.builder';
import { INSERT_NODES, nodeParams, rightEdgeSql } from './pg-node-store';

export type LogEntryKind = 'dispatch_decision' | 'policy_activation';

/**
 * Appends records to the transparency log inside the caller's transaction, so a decision is
 * durable together with the offer it leads to. The log_head row lock hands out contiguous
 * indices in one order across every process and is held until commit, which also serializes
 * the Merkle node writes: leaf, nodes and disclosure commit or roll back together.
 *
 * Three round trips under the lock: reserve the index and store the leaf; read the tree's right
 * edge; store the new nodes and the disclosure.
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
    // A statement of its own: under READ COMMITTED the statement that waited for the lock still
    // reads with the snapshot it started with, which misses the nodes of the append it waited
    // for; a new statement takes a new snapshot that includes them.
    const edgeRows: { hash: Buffer }[] = await db.query(rightEdgeSql('$1::bigint'), [index]);
    const edge = edgeRows.map((r) => new Uint8Array(r.hash));
    const result = computeAppend(index, edge, [leafHash]);
    await db.query(
      `WITH nodes AS (${INSERT_NODES})
       INSERT INTO log_leaf_disclosures (index, salt, record) SELECT $4::bigint, $5::bytea, $6::text WHERE $5::bytea IS NOT NULL`,
      [...nodeParams(result), index, built.disclosure?.salt ?? null, built.disclosure?.record ?? null],
    );
    return index;
  }
}
