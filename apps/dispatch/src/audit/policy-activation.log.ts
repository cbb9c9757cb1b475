import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DecisionLogRepository } from './decision-log.repository';
import type { PolicyActivationLeaf } from './log-leaf';

interface Activation {
  version: number;
  hash: string;
  document: unknown;
  effective_at: string;
  /** Set when a members' vote activated the version (apps/payouts governance). */
  proposal_id: string | null;
  tally: unknown;
}

/** The activation record, with the proposal and tally when the members voted this version in. */
type ActivationRecord = PolicyActivationLeaf['record'] & { governance?: { proposalId: string; tally: unknown } };

/**
 * Logs every policy version once it is in force, with its whole document, so that a member's
 * verifier can check each decision against the rules the members voted for. Policy versions
 * come into force by time (policies.effective_at), not by a call, so this runs on the
 * checkpoint tick; the log_head lock makes the "not yet logged" check and the append atomic.
 */
@Injectable()
export class PolicyActivationLog {
  constructor(
    private readonly db: DataSource,
    private readonly log: DecisionLogRepository,
  ) {}

  /** Appends a policy_activation leaf for each version in force and not logged yet; returns the versions logged. */
  async logNew(): Promise<number[]> {
    const pending = await this.pending(this.db);
    const logged: number[] = [];
    for (const version of pending.map((p) => p.version)) {
      const done = await this.db.transaction(async (tx) => {
        await tx.query(`SELECT size FROM log_head FOR UPDATE`);
        const still = (await this.pending(tx)).find((p) => p.version === version);
        if (!still) return false;
        const record: ActivationRecord = {
          version: still.version,
          hash: still.hash,
          effectiveAt: still.effective_at,
          document: still.document,
          ...(still.proposal_id !== null ? { governance: { proposalId: still.proposal_id, tally: still.tally } } : {}),
        };
        await this.log.append(tx, 'policy_activation', record);
        return true;
      });
      if (done) logged.push(version);
    }
    return logged;
  }

  private pending(db: { query(sql: string): Promise<any> }): Promise<Activation[]> {
    return db.query(
      `SELECT p.version, p.hash, p.document, p.proposal_id, p.tally,
              CASE WHEN p.effective_at = '-infinity' THEN '-infinity'
                   ELSE to_char(p.effective_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS effective_at
       FROM policies p
       WHERE p.effective_at <= now()
         AND NOT EXISTS (
           SELECT 1 FROM log_leaves l
           WHERE l.kind = 'policy_activation' AND (l.body::jsonb #>> '{record,version}')::int = p.version)
       ORDER BY p.effective_at, p.version`,
    );
  }
}
