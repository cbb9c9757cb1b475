import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drivers' payout accounts, append-only: a change is a new row and the newest row of a member
 * is the account in use (a trigger refuses UPDATE and DELETE, so past payment files stay
 * explainable). A payout item names the account row it was paid to; a driver owed money but
 * with no account is recorded in payout_skips with the reason, and stays payable.
 */
export class PayoutAccounts1763900000710 implements MigrationInterface {
  name = 'PayoutAccounts1763900000710';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payout_accounts (
        id bigserial PRIMARY KEY,
        member_id uuid NOT NULL REFERENCES members (id),
        kind text NOT NULL CHECK (kind IN ('iban', 'canadian')),
        holder_name text NOT NULL,
        iban text,
        bic text,
        ca_institution text,
        ca_transit text,
        ca_account text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'iban') = (iban IS NOT NULL)),
        CHECK ((kind = 'canadian') = (ca_institution IS NOT NULL AND ca_transit IS NOT NULL AND ca_account IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX payout_accounts_latest ON payout_accounts (member_id, id DESC)`);
    await db.query(`
      CREATE FUNCTION payout_accounts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'payout_accounts is append-only'; END $$`);
    await db.query(`
      CREATE TRIGGER payout_accounts_append_only BEFORE UPDATE OR DELETE ON payout_accounts
        FOR EACH ROW EXECUTE FUNCTION payout_accounts_append_only()`);
    await db.query(`ALTER TABLE payout_items ADD COLUMN payout_account_id bigint REFERENCES payout_accounts (id)`);
    await db.query(`
      CREATE TABLE payout_skips (
        run_id uuid NOT NULL REFERENCES payout_runs (id),
        driver_id uuid NOT NULL REFERENCES members (id),
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        reason text NOT NULL CHECK (reason IN ('NO_PAYOUT_ACCOUNT')),
        PRIMARY KEY (run_id, driver_id)
      )`);
    await db.query(`CREATE INDEX payout_skips_by_driver ON payout_skips (driver_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE payout_skips`);
    await db.query(`ALTER TABLE payout_items DROP COLUMN payout_account_id`);
    await db.query(`DROP TABLE payout_accounts`);
    await db.query(`DROP FUNCTION payout_accounts_append_only()`);
  }
}
