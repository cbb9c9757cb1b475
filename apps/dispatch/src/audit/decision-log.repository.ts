import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { DecisionRecord } from '@coop/matching';
import { LogBatchWriter, logEntry } from './log-batch.writer';
import { PolicyActivationLeaf } from './log-leaf';
import { LogLeafBuilder } from './log-leaf.builder';

export type { LogEntryKind } from './log-batch.writer';

/**
 * Appends one record to the transparency log inside the caller's transaction: leaf, nodes and
 * disclosure commit or roll back with whatever else that transaction writes. The log_head row
 * lock it takes is held until the caller commits, so every other writer of the log waits that
 * long: use it only where the append must be atomic with a check made under that lock (policy
 * activations). Dispatch decisions go through LogAppender, which commits many leaves per
 * transaction.
 */
@Injectable()
export class DecisionLogRepository {
  private readonly writer = new LogBatchWriter();

  constructor(private readonly leaves: LogLeafBuilder) {}

  /** Appends one record as an RFC 8785 canonical JSON leaf; returns its leaf index. */
  async append(db: EntityManager, kind: 'dispatch_decision', record: DecisionRecord, tripId?: string): Promise<number>;
  async append(db: EntityManager, kind: 'policy_activation', record: PolicyActivationLeaf['record']): Promise<number>;
  async append(db: EntityManager, kind: 'dispatch_decision' | 'policy_activation', record: unknown, tripId?: string): Promise<number> {
    // Built before the lock: key lookups and hashing stay out of the critical section.
    const built =
      kind === 'dispatch_decision'
        ? await this.leaves.decision(record as DecisionRecord)
        : this.leaves.policyActivation(record as PolicyActivationLeaf['record']);
    return this.writer.write(db, [logEntry(built, tripId)]);
  }
}
