import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fare ledger: a double-entry journal the database itself keeps honest.
 *
 * - ledger_accounts: one row per account id (`driver:<id>:payable`, libs/money accounts.ts),
 *   with the one currency it holds. A posting names (account, currency) as a foreign key, so
 *   a posting in another currency than its account's is refused by the database.
 * - ledger_transactions: one row per journal entry; `id` is the client-chosen idempotency id
 *   (primary key, so unique). `reverses` points a reversal or refund at the original;
 *   `pending_id` points a capture or void at the hold it resolves (unique: at most once).
 * - ledger_postings: the signed lines (debit > 0, credit < 0) in BIGINT minor units, on the
 *   posted or the pending (two-phase) layer.
 * - ledger_hold_states: the two-phase life of a card hold as append-only state rows:
 *   `pending` when held, then one `posted` or `voided` row (a partial unique index allows one).
 *
 * Guarantees enforced here, not only in code:
 * - A deferrable constraint trigger checks at COMMIT that each transaction has two or more
 *   postings and that each layer (posted, pending) sums to zero per currency.
 * - Every ledger table refuses UPDATE, DELETE and TRUNCATE: corrections are new entries.
 * Balances are never stored: they are sums over ledger_postings, so they can always be
 * recomputed from the entries.
 */
export class Ledger1763900000100 implements MigrationInterface {
  name = 'Ledger1763900000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ledger_accounts (
        id text PRIMARY KEY CHECK (id ~ '^[a-z]+(:[A-Za-z0-9][A-Za-z0-9._-]{0,127})?:[a-z-]+$'),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        kind text NOT NULL,
        member_id text,
        opened_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, currency)
      )`);
    await db.query(`CREATE INDEX ledger_accounts_by_member ON ledger_accounts (member_id) WHERE member_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE ledger_transactions (
        seq bigserial NOT NULL UNIQUE,
        id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
        kind text NOT NULL CHECK (kind IN ('trip.completed', 'trip.cancelled', 'trip.tip', 'refund', 'reversal',
          'payment.hold', 'payment.capture', 'payment.void', 'payout')),
        metadata jsonb NOT NULL CHECK (jsonb_typeof(metadata) = 'object'),
        reverses text REFERENCES ledger_transactions(id),
        pending_id text REFERENCES ledger_transactions(id),
        trip_id text GENERATED ALWAYS AS (metadata->>'tripId') STORED,
        posted_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind IN ('reversal', 'refund')) = (reverses IS NOT NULL)),
        CHECK ((kind IN ('payment.capture', 'payment.void')) = (pending_id IS NOT NULL))
      )`);
    // A transaction is reversed at most once; a hold is captured or voided at most once.
    await db.query(`CREATE UNIQUE INDEX ledger_transactions_one_reversal ON ledger_transactions (reverses) WHERE kind = 'reversal'`);
    await db.query(`CREATE UNIQUE INDEX ledger_transactions_one_resolution ON ledger_transactions (pending_id) WHERE pending_id IS NOT NULL`);
    await db.query(`CREATE INDEX ledger_transactions_by_trip ON ledger_transactions (trip_id) WHERE trip_id IS NOT NULL`);
    await db.query(`CREATE INDEX ledger_transactions_by_time ON ledger_transactions (posted_at, seq)`);
    await db.query(`
      CREATE TABLE ledger_postings (
        transaction_id text NOT NULL REFERENCES ledger_transactions(id),
        index smallint NOT NULL CHECK (index >= 0),
        account_id text NOT NULL,
        currency char(3) NOT NULL,
        amount bigint NOT NULL CHECK (amount <> 0),
        pending boolean NOT NULL DEFAULT false,
        PRIMARY KEY (transaction_id, index),
        FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)
      )`);
    await db.query(`CREATE INDEX ledger_postings_by_account ON ledger_postings (account_id, transaction_id)`);
    await db.query(`
      CREATE TABLE ledger_hold_states (
        hold_id text NOT NULL REFERENCES ledger_transactions(id),
        state text NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
        transaction_id text NOT NULL UNIQUE REFERENCES ledger_transactions(id),
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hold_id, state),
        CHECK ((state = 'pending') = (transaction_id = hold_id))
      )`);
    await db.query(`CREATE UNIQUE INDEX ledger_hold_states_one_resolution ON ledger_hold_states (hold_id) WHERE state <> 'pending'`);
    // A resolution must follow a pending row of the same hold.
    await db.query(`
      CREATE FUNCTION ledger_hold_state_follows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.state <> 'pending' AND NOT EXISTS (
          SELECT 1 FROM ledger_hold_states WHERE hold_id = NEW.hold_id AND state = 'pending') THEN
          RAISE EXCEPTION 'hold % is not pending', NEW.hold_id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER ledger_hold_states_follow BEFORE INSERT ON ledger_hold_states
      FOR EACH ROW EXECUTE FUNCTION ledger_hold_state_follows()`);

    // Balance per layer and currency, checked at commit (after every posting of the
    // transaction is in). SQLSTATE 23514 (check_violation) with a message naming the entry.
    await db.query(`
      CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        -- TG_ARGV[0] names the column holding the transaction id in the triggering table.
        tx_id text := to_jsonb(NEW)->>TG_ARGV[0];
        lines integer;
        off record;
      BEGIN
        SELECT count(*) INTO lines FROM ledger_postings WHERE transaction_id = tx_id;
        IF lines < 2 THEN
          RAISE EXCEPTION 'ledger transaction % has % posting(s); two or more are needed', tx_id, lines
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
        END IF;
        SELECT currency, pending, sum(amount) AS total INTO off
          FROM ledger_postings WHERE transaction_id = tx_id
          GROUP BY currency, pending HAVING sum(amount) <> 0 LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger transaction % does not balance: % % layer sums to %', tx_id, off.currency,
            CASE WHEN off.pending THEN 'pending' ELSE 'posted' END, off.total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced('transaction_id')`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced('id')`);

    // Append-only. refuse_change() comes from the dispatch core migration.
    for (const table of LEDGER_TABLES) {
      await db.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
      await db.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [...LEDGER_TABLES].reverse()) await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_check_balanced()`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_hold_state_follows()`);
  }
}

const LEDGER_TABLES = ['ledger_accounts', 'ledger_transactions', 'ledger_postings', 'ledger_hold_states'] as const;
