import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The balance check of postings once per INSERT statement instead of once per line.
 *
 * 1763900000100 checks balance with a deferred row trigger on every posting (and on every
 * entry): a completion with its card capture, seven lines, queued nine checks of two queries
 * each for commit time. The check on postings becomes a statement trigger with the
 * inserted rows as a transition table: after each INSERT into ledger_postings, every entry
 * that received lines must sum to zero per currency and layer over all its lines, in one
 * query. That is stricter than before, never weaker: lines of an entry must balance at the
 * end of the statement that inserts them (ledger_append inserts all lines of a call in one
 * statement), and a line added later to an old entry is refused unless the entry still
 * balances, as before. Same error: SQLSTATE 23514, constraint `ledger_transaction_balanced`.
 *
 * Since lines can only be inserted (append-only) and every insert leaves each entry it touches
 * balanced, the deferred check on entries needs only to count their lines (two or more, at
 * commit): one index probe by id instead of two queries on the row turned to JSON.
 */
export class LedgerBalancePerStatement1763900000812 implements MigrationInterface {
  name = 'LedgerBalancePerStatement1763900000812';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION ledger_check_balanced_lines() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids text[];
        off record;
      BEGIN
        SELECT array_agg(DISTINCT a.transaction_id) INTO ids FROM added a;
        -- id = ANY: one index probe per entry, whatever plan is cached.
        SELECT p.transaction_id, p.currency, p.pending, sum(p.amount) AS total INTO off
          FROM ledger_postings p WHERE p.transaction_id = ANY (ids)
         GROUP BY p.transaction_id, p.currency, p.pending HAVING sum(p.amount) <> 0 LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger transaction % does not balance: % % layer sums to %', off.transaction_id, off.currency,
            CASE WHEN off.pending THEN 'pending' ELSE 'posted' END, off.total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION ledger_check_has_lines() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        lines integer;
      BEGIN
        SELECT count(*) INTO lines FROM ledger_postings WHERE transaction_id = NEW.id;
        IF lines < 2 THEN
          RAISE EXCEPTION 'ledger transaction % has % posting(s); two or more are needed', NEW.id, lines
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`DROP TRIGGER ledger_transactions_balanced ON ledger_transactions`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_has_lines AFTER INSERT ON ledger_transactions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_has_lines()`);
    await db.query(`DROP TRIGGER ledger_postings_balanced ON ledger_postings`);
    await db.query(`CREATE TRIGGER ledger_postings_balanced_lines AFTER INSERT ON ledger_postings
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_balanced_lines()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS ledger_postings_balanced_lines ON ledger_postings`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_check_balanced_lines()`);
    await db.query(`DROP TRIGGER IF EXISTS ledger_transactions_has_lines ON ledger_transactions`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_check_has_lines()`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced('id')`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced('transaction_id')`);
  }
}
