import { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS_BEFORE = `'trip.completed', 'trip.cancelled', 'trip.tip', 'refund', 'reversal', 'payment.hold', 'payment.capture', 'payment.void', 'payout'`;

/**
 * Patronage dividends: a period per calendar year (UTC), the expenses the treasurer enters,
 * and, at the close, the whole allocation (inputs and results) and each member's share. The
 * close is computed and stored first (status `closing`), then posted to the ledger
 * (`dividend:<year>`, idempotent), then marked `closed`, so a crash in between finishes the
 * same allocation. The ledger learns the `dividend` transaction kind.
 */
export class Dividends1763900000502 implements MigrationInterface {
  name = 'Dividends1763900000502';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check`);
    await db.query(`ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check CHECK (kind IN (${KINDS_BEFORE}, 'dividend'))`);
    await db.query(`
      CREATE TABLE dividend_periods (
        year integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2200),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closing', 'closed')),
        policy_version integer REFERENCES policies (version),
        policy_hash text,
        allocation jsonb,
        transaction_id text,
        closed_by uuid REFERENCES members (id),
        closed_at timestamptz,
        CHECK ((status = 'open') = (allocation IS NULL))
      )`);
    await db.query(`
      CREATE TABLE dividend_expenses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        year integer NOT NULL REFERENCES dividend_periods (year),
        description text NOT NULL,
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        entered_by uuid NOT NULL REFERENCES members (id),
        entered_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE dividend_allocations (
        year integer NOT NULL REFERENCES dividend_periods (year),
        member_id uuid NOT NULL REFERENCES members (id),
        patronage bigint NOT NULL CHECK (patronage >= 0),
        allocation bigint NOT NULL CHECK (allocation >= 0),
        cash bigint NOT NULL CHECK (cash >= 0),
        retained bigint NOT NULL CHECK (retained >= 0),
        PRIMARY KEY (year, member_id),
        CHECK (cash + retained = allocation)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE dividend_allocations`);
    await db.query(`DROP TABLE dividend_expenses`);
    await db.query(`DROP TABLE dividend_periods`);
    await db.query(`ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check`);
    await db.query(`ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check CHECK (kind IN (${KINDS_BEFORE}))`);
  }
}
