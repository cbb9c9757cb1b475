import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Choice, PolicyChange, Tally } from '@coop/governance';
import type { PolicyDocument, PolicyVersion } from '@coop/policy';
import { DomainError } from '@coop/platform';

/** A proposal as stored. Times are ISO strings in UTC. */
export interface ProposalRecord {
  id: string;
  proposerId: string;
  title: string;
  rationale: string;
  baseVersion: number;
  patch: unknown;
  document: PolicyDocument;
  hash: string;
  changes: PolicyChange[];
  supermajority: boolean;
  opensAt: string;
  closesAt: string;
  effectiveAt: string;
  status: 'open' | 'passed' | 'rejected' | 'superseded';
  tally: Tally | null;
  closedAt: string | null;
  activatedVersion: number | null;
}

export interface NewProposal {
  proposerId: string;
  title: string;
  rationale: string;
  base: PolicyVersion;
  patch: unknown;
  document: PolicyDocument;
  hash: string;
  changes: PolicyChange[];
  supermajority: boolean;
  /** Absent: the window's close. */
  effectiveAt?: Date;
}

/** What the close of a proposal saw, for the service's pure decision. */
export interface CloseInputs {
  proposal: ProposalRecord;
  base: PolicyVersion;
  /** The newest stored version (in force or scheduled). */
  latestVersion: number;
  choices: Choice[];
  eligible: number;
}

/** The decision taken at the close: the tally, and whether to activate the proposal's document. */
export interface CloseDecision {
  tally: Tally;
  status: 'passed' | 'rejected' | 'superseded';
}

const iso = (column: string, as: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

const SELECT_PROPOSAL = `
  SELECT id, proposer_id AS "proposerId", title, rationale, base_version AS "baseVersion", patch, document, hash, changes,
         supermajority, ${iso('opens_at', 'opensAt')}, ${iso('closes_at', 'closesAt')}, ${iso('effective_at', 'effectiveAt')},
         status, tally, ${iso('closed_at', 'closedAt')}, activated_version AS "activatedVersion"
    FROM governance_proposals`;

/**
 * Proposals, ballots and activations in PostgreSQL. Every time comparison uses the
 * database's clock (now()), so all processes agree on when a window closes. A ballot takes a
 * share lock on its proposal and the close an update lock, so no ballot lands after the tally.
 */
@Injectable()
export class ProposalsRepository {
  constructor(private readonly db: DataSource) {}

  /** The policy version in force now (the newest whose effective time has come). */
  async inForce(m: EntityManager = this.db.manager): Promise<PolicyVersion> {
    const rows: PolicyVersion[] = await m.query(
      `SELECT version, hash, document FROM policies WHERE effective_at <= now() ORDER BY effective_at DESC, version DESC LIMIT 1`,
    );
    if (!rows[0]) throw new DomainError('SERVICE_UNAVAILABLE', 'no policy is stored yet');
    return rows[0];
  }

  async version(version: number, m: EntityManager = this.db.manager): Promise<PolicyVersion> {
    const rows: PolicyVersion[] = await m.query(`SELECT version, hash, document FROM policies WHERE version = $1`, [version]);
    if (!rows[0]) throw new Error(`policy version ${version} is missing`);
    return rows[0];
  }

  async hashTaken(hash: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM policies WHERE hash = $1`, [hash])).length > 0;
  }

  /** The member's role and approval, or undefined when no such member. */
  async member(memberId: string): Promise<{ role: string; approved: boolean } | undefined> {
    const rows: Array<{ role: string; approved: boolean }> = await this.db.query(
      `SELECT role, approved_at IS NOT NULL AS approved FROM members WHERE id = $1`,
      [memberId],
    );
    return rows[0];
  }

  /**
   * Stores a proposal whose window opens now and closes `windowHours` later, and in the same
   * statement its pending simulation, so no proposal exists without one to compute.
   */
  async insert(p: NewProposal, windowHours: number): Promise<ProposalRecord> {
    const [row]: Array<{ id: string }> = await this.db.query(
      `WITH proposal AS (
         INSERT INTO governance_proposals
           (proposer_id, title, rationale, base_version, patch, document, hash, changes, supermajority, closes_at, effective_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, c.closes_at, greatest(coalesce($11::timestamptz, c.closes_at), c.closes_at)
           FROM (SELECT now() + make_interval(hours => $10) AS closes_at) c
         RETURNING id, base_version)
       INSERT INTO governance_simulations (proposal_id, base_version) SELECT id, base_version FROM proposal
       RETURNING proposal_id AS id`,
      [p.proposerId, p.title, p.rationale, p.base.version, JSON.stringify(p.patch), p.document, p.hash, JSON.stringify(p.changes), p.supermajority, windowHours, p.effectiveAt ?? null],
    );
    return (await this.find(row!.id))!;
  }

  async find(id: string, m: EntityManager = this.db.manager, lock = ''): Promise<ProposalRecord | undefined> {
    const rows: ProposalRecord[] = await m.query(`${SELECT_PROPOSAL} WHERE id = $1 ${lock}`, [id]);
    return rows[0];
  }

  async list(status: string | undefined, limit: number): Promise<ProposalRecord[]> {
    return this.db.query(`${SELECT_PROPOSAL} WHERE $1::text IS NULL OR status = $1 ORDER BY opens_at DESC, id LIMIT $2`, [status ?? null, limit]);
  }

  /** Ids of open proposals whose window has closed. */
  async due(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM governance_proposals WHERE status = 'open' AND closes_at <= now() ORDER BY closes_at`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Casts or changes the member's ballot while the window is open (the receipt of the first
   * ballot is kept). Throws PROPOSAL_NOT_FOUND or VOTING_CLOSED.
   */
  async castBallot(proposalId: string, memberId: string, choice: Choice, receipt: string) {
    return this.db.transaction(async (m) => {
      const rows: Array<{ open: boolean }> = await m.query(
        `SELECT status = 'open' AND closes_at > now() AS open FROM governance_proposals WHERE id = $1 FOR SHARE`,
        [proposalId],
      );
      if (!rows[0]) throw new DomainError('PROPOSAL_NOT_FOUND');
      if (!rows[0].open) throw new DomainError('VOTING_CLOSED');
      const [ballot]: Array<{ choice: Choice; receipt: string; castAt: string }> = await m.query(
        `INSERT INTO governance_ballots (proposal_id, member_id, choice, receipt) VALUES ($1, $2, $3, $4)
         ON CONFLICT (proposal_id, member_id) DO UPDATE SET choice = EXCLUDED.choice, cast_at = now()
         RETURNING choice, receipt, ${iso('cast_at', 'castAt')}`,
        [proposalId, memberId, choice, receipt],
      );
      return ballot!;
    });
  }

  async ballotOf(proposalId: string, memberId: string) {
    const rows: Array<{ choice: Choice; receipt: string; castAt: string }> = await this.db.query(
      `SELECT choice, receipt, ${iso('cast_at', 'castAt')} FROM governance_ballots WHERE proposal_id = $1 AND member_id = $2`,
      [proposalId, memberId],
    );
    return rows[0];
  }

  /** Every ballot of a proposal as published after the close: receipt and choice, in receipt order. */
  async publishedBallots(proposalId: string): Promise<Array<{ receipt: string; choice: Choice }>> {
    return this.db.query(`SELECT receipt, choice FROM governance_ballots WHERE proposal_id = $1 ORDER BY receipt COLLATE "C"`, [proposalId]);
  }

  /**
   * Closes a proposal whose window has ended, once: under the proposal's row lock and a lock
   * on `policies` (so two closes never both build on the same version), reads the ballots,
   * the eligible members and the newest version, asks `decide` for the outcome and, when it
   * passed, inserts the new policy version with its tally at the proposal's effective time.
   * A proposal already closed is returned as it is. Throws VOTING_STILL_OPEN before the close.
   */
  async close(id: string, decide: (inputs: CloseInputs) => CloseDecision): Promise<ProposalRecord> {
    return this.db.transaction(async (m) => {
      const proposal = await this.find(id, m, 'FOR UPDATE');
      if (!proposal) throw new DomainError('PROPOSAL_NOT_FOUND');
      if (proposal.status !== 'open') return proposal;
      const [{ due }] = await m.query(`SELECT closes_at <= now() AS due FROM governance_proposals WHERE id = $1`, [id]);
      if (!due) throw new DomainError('VOTING_STILL_OPEN', `voting closes at ${proposal.closesAt}`);
      await m.query(`LOCK TABLE policies IN SHARE ROW EXCLUSIVE MODE`);
      const base = await this.version(proposal.baseVersion, m);
      const [{ latest }] = await m.query(`SELECT max(version) AS latest FROM policies`);
      const ballots: Array<{ choice: Choice }> = await m.query(`SELECT choice FROM governance_ballots WHERE proposal_id = $1`, [id]);
      // Eligible: members of a listed class who had joined by the close (drivers once approved).
      const [{ eligible }] = await m.query(
        `SELECT count(*)::int AS eligible FROM members
          WHERE role = ANY($1) AND (role <> 'driver' OR approved_at IS NOT NULL) AND created_at <= $2`,
        [base.document.governance.membershipClasses, proposal.closesAt],
      );
      const decision = decide({ proposal, base, latestVersion: latest, choices: ballots.map((b) => b.choice), eligible });
      let activated: number | null = null;
      if (decision.status === 'passed') {
        activated = latest + 1;
        await m.query(
          `INSERT INTO policies (version, hash, document, effective_at, proposal_id, tally) VALUES ($1, $2, $3, $4, $5, $6)`,
          [activated, proposal.hash, proposal.document, proposal.effectiveAt, id, decision.tally],
        );
      }
      await m.query(
        `UPDATE governance_proposals SET status = $2, tally = $3, closed_at = now(), activated_version = $4 WHERE id = $1`,
        [id, decision.status, decision.tally, activated],
      );
      return (await this.find(id, m))!;
    });
  }
}
