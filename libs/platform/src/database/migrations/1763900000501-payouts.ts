import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payout runs. A run moves planned -> posted -> filed -> completed (submitted to the payment provider); each step is
 * idempotent (ledger entries by transaction id, provider instructions by end-to-end id), so a
 * run killed anywhere is resumed from its status and pays each driver once. At most one run
 * is unfinished at a time (partial unique index), so two runs never pay the same balance.
 * payout_provider_instructions is the record of the default payment provider (the payment
 * file handed to the bank): one row per end-to-end id, never two.
 */
export class Payouts1763900000501 implements MigrationInterface {
  name = 'Payouts1763900000501';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payout_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_key text NOT NULL UNIQUE,
        requested_by uuid REFERENCES members (id),
        policy_version integer NOT NULL REFERENCES policies (version),
        policy_hash text NOT NULL,
        minimum_amount bigint NOT NULL CHECK (minimum_amount >= 0),
        status text NOT NULL CHECK (status IN ('planned', 'posted', 'filed', 'completed')),
        csv text,
        xml text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX payout_runs_one_unfinished ON payout_runs ((true)) WHERE status <> 'completed'`);
    await db.query(`
      CREATE TABLE payout_items (
        run_id uuid NOT NULL REFERENCES payout_runs (id),
        seq integer NOT NULL CHECK (seq >= 1),
        driver_id uuid NOT NULL REFERENCES members (id),
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        transaction_id text NOT NULL UNIQUE,
        end_to_end_id text NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('planned', 'posted', 'submitted', 'failed')),
        provider_ref text,
        failure text,
        PRIMARY KEY (run_id, driver_id),
        UNIQUE (run_id, seq)
      )`);
    await db.query(`CREATE INDEX payout_items_by_driver ON payout_items (driver_id)`);
    await db.query(`
      CREATE TABLE payout_provider_instructions (
        end_to_end_id text PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES payout_runs (id),
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        creditor text NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE payout_provider_instructions`);
    await db.query(`DROP TABLE payout_items`);
    await db.query(`DROP TABLE payout_runs`);
  }
}
