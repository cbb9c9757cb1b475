import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
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
    const pending = await this.pending(this.db, 'in force');
    const logged: number[] = [];
    for (const version of pending.map((p) => p.version)) {
      if (await this.db.transaction((tx) => this.logLocked(tx, version, 'in force'))) logged.push(version);
    }
    return logged;
  }

  /**
   * Makes sure `version` is logged before a decision naming it: a v3 decision leaf names its
   * policy by version and hash only, so the verifier needs the activation earlier in the log.
   * The tick may not have logged a version yet when dispatch starts using it (its clock, or the
   * first seconds after boot), so the appender calls this first, on its own connections (`db`:
   * a dispatch transaction is waiting on a main-pool connection meanwhile). Logs the version
   * even if the database clock says it is not in force yet: a decision used it. Resolves
   * true if the version is logged now; false if the policies table has no such version.
   */
  async ensureLogged(db: DataSource, version: number): Promise<boolean> {
    if (await this.isLogged(db, version)) return true;
    return db.transaction(async (tx) => (await this.logLocked(tx, version, 'any')) || this.isLogged(tx, version));
  }

  /** Under the log_head lock: logs `version` if it is still pending; true if this call logged it. */
  private async logLocked(tx: EntityManager, version: number, when: 'in force' | 'any'): Promise<boolean> {
    await tx.query(`SELECT size FROM log_head FOR UPDATE`);
    const still = (await this.pending(tx, when, version)).find((p) => p.version === version);
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
  }

  private async isLogged(db: { query(sql: string, params?: unknown[]): Promise<any> }, version: number): Promise<boolean> {
    // log_leaves_policy_activations (partial index on kind) keeps this to the activation rows.
    const rows: unknown[] = await db.query(
      `SELECT 1 FROM log_leaves WHERE kind = 'policy_activation' AND (body::jsonb #>> '{record,version}')::int = $1 LIMIT 1`,
      [version],
    );
    return rows.length > 0;
  }

  private pending(db: { query(sql: string, params?: unknown[]): Promise<any> }, when: 'in force' | 'any', version?: number): Promise<Activation[]> {
    return db.query(
      `SELECT p.version, p.hash, p.document, p.proposal_id, p.tally,
              CASE WHEN p.effective_at = '-infinity' THEN '-infinity'
                   ELSE to_char(p.effective_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS effective_at
       FROM policies p
       WHERE ($1::boolean OR p.effective_at <= now())
         AND ($2::int IS NULL OR p.version = $2)
         AND NOT EXISTS (
           SELECT 1 FROM log_leaves l
           WHERE l.kind = 'policy_activation' AND (l.body::jsonb #>> '{record,version}')::int = p.version)
       ORDER BY p.effective_at, p.version`,
      [when === 'any', version ?? null],
    );
  }
}
