import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The simulation report of each governance proposal (the policy simulator run on the policy
 * in force and on the proposed one): `pending` until a job stores it once as `ready`, or
 * `failed` after the job's last attempt. And a partial index so the audit log's checkpoint
 * tick finds which closed dividend periods are not logged yet without scanning every leaf.
 */
export class ProposalSimulations1763900000700 implements MigrationInterface {
  name = 'ProposalSimulations1763900000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE governance_simulations (
        proposal_id uuid PRIMARY KEY REFERENCES governance_proposals (id),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'failed')),
        base_version integer NOT NULL REFERENCES policies (version),
        report jsonb,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        requested_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CHECK ((status = 'ready') = (report IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX governance_simulations_pending ON governance_simulations (requested_at) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX log_leaves_dividend_allocations ON log_leaves (index) WHERE kind = 'dividend_allocation'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX log_leaves_dividend_allocations`);
    await db.query(`DROP TABLE governance_simulations`);
  }
}
