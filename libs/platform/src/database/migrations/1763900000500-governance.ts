import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Policy governance: proposals (a merge patch against the version in force, with the whole
 * resulting document and its hash), one ballot per member per proposal (changed in place
 * until the close; the receipt lets a member find their ballot in the published list), and
 * on `policies` the proposal and tally that activated a version, so the activation leaf of
 * the transparency log carries the tally.
 */
export class Governance1763900000500 implements MigrationInterface {
  name = 'Governance1763900000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE governance_proposals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        proposer_id uuid NOT NULL REFERENCES members (id),
        title text NOT NULL,
        rationale text NOT NULL,
        base_version integer NOT NULL REFERENCES policies (version),
        patch jsonb NOT NULL,
        document jsonb NOT NULL,
        hash text NOT NULL,
        changes jsonb NOT NULL,
        supermajority boolean NOT NULL,
        opens_at timestamptz NOT NULL DEFAULT now(),
        closes_at timestamptz NOT NULL,
        effective_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'passed', 'rejected', 'superseded')),
        tally jsonb,
        closed_at timestamptz,
        activated_version integer REFERENCES policies (version),
        CHECK (closes_at > opens_at),
        CHECK (effective_at >= closes_at),
        CHECK ((status = 'open') = (tally IS NULL)),
        CHECK ((status = 'passed') = (activated_version IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX governance_proposals_open ON governance_proposals (closes_at) WHERE status = 'open'`);
    await db.query(`
      CREATE TABLE governance_ballots (
        proposal_id uuid NOT NULL REFERENCES governance_proposals (id),
        member_id uuid NOT NULL REFERENCES members (id),
        choice text NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
        receipt text NOT NULL UNIQUE,
        cast_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (proposal_id, member_id)
      )`);
    await db.query(`ALTER TABLE policies ADD COLUMN proposal_id uuid REFERENCES governance_proposals (id), ADD COLUMN tally jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE policies DROP COLUMN tally, DROP COLUMN proposal_id`);
    await db.query(`DROP TABLE governance_ballots`);
    await db.query(`DROP TABLE governance_proposals`);
  }
}
