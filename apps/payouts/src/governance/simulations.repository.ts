import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PolicyDocument } from '@coop/policy';
import type { SimulationComparison } from '@coop/simulation';

/** The stored report: the comparison, and which policies it compared. */
export interface SimulationReport extends Omit<SimulationComparison, 'inForce' | 'proposed'> {
  inForce: { version: number; hash: string; figures: SimulationComparison['inForce'] };
  proposed: { hash: string; figures: SimulationComparison['proposed'] };
}

/** A proposal's simulation as served. Times are ISO strings in UTC. */
export interface SimulationRecord {
  proposalId: string;
  status: 'pending' | 'ready' | 'failed';
  attempts: number;
  requestedAt: string;
  finishedAt: string | null;
  error: string | null;
  report: SimulationReport | null;
}

/** What a simulation job needs: the two documents, and whether there is still work to do. */
export interface SimulationInputs {
  status: SimulationRecord['status'];
  base: { version: number; hash: string; document: PolicyDocument };
  proposed: { hash: string; document: PolicyDocument };
}

const iso = (column: string, as: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

/**
 * The simulation report of each proposal in `governance_simulations`. The pending row is
 * written with the proposal (ProposalsRepository.insert); a job stores the report once: the
 * update only applies to a pending row, so a retried or duplicated job never overwrites it.
 */
@Injectable()
export class SimulationsRepository {
  constructor(private readonly db: DataSource) {}

  async find(proposalId: string): Promise<SimulationRecord | undefined> {
    const rows: SimulationRecord[] = await this.db.query(
      `SELECT proposal_id AS "proposalId", status, attempts, ${iso('requested_at', 'requestedAt')}, ${iso('finished_at', 'finishedAt')}, error, report
         FROM governance_simulations WHERE proposal_id = $1`,
      [proposalId],
    );
    return rows[0];
  }

  async inputs(proposalId: string): Promise<SimulationInputs | undefined> {
    const rows: Array<SimulationInputs['base'] & { status: SimulationInputs['status']; proposedHash: string; proposedDocument: PolicyDocument }> = await this.db.query(
      `SELECT s.status, b.version, b.hash, b.document, p.hash AS "proposedHash", p.document AS "proposedDocument"
         FROM governance_simulations s
         JOIN governance_proposals p ON p.id = s.proposal_id
         JOIN policies b ON b.version = s.base_version
        WHERE s.proposal_id = $1`,
      [proposalId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { status: row.status, base: { version: row.version, hash: row.hash, document: row.document }, proposed: { hash: row.proposedHash, document: row.proposedDocument } };
  }

  /** Ids of simulations still pending, oldest first (for the sweep that re-enqueues lost jobs). */
  async pending(limit = 100): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT proposal_id AS id FROM governance_simulations WHERE status = 'pending' ORDER BY requested_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async countAttempt(proposalId: string): Promise<void> {
    await this.db.query(`UPDATE governance_simulations SET attempts = attempts + 1 WHERE proposal_id = $1`, [proposalId]);
  }

  /** Stores the report if the simulation is still pending; false when another attempt stored it first. */
  async storeReady(proposalId: string, report: SimulationReport): Promise<boolean> {
    // TypeORM answers an UPDATE on PostgreSQL with [rows, affected row count].
    const [, updated]: [unknown[], number] = await this.db.query(
      `UPDATE governance_simulations SET status = 'ready', report = $2, error = NULL, finished_at = now()
        WHERE proposal_id = $1 AND status = 'pending'`,
      [proposalId, report],
    );
    return updated > 0;
  }

  /** After the job's last attempt failed; a report stored in the meantime wins. */
  async markFailed(proposalId: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE governance_simulations SET status = 'failed', error = $2, finished_at = now() WHERE proposal_id = $1 AND status = 'pending'`,
      [proposalId, error.slice(0, 1000)],
    );
  }
}
