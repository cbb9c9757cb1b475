import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The references of a posting line checked once per INSERT statement instead of once per
 * line, and one deferred check per entry instead of two for a hold's resolution.
 *
 * - ledger_postings' two foreign keys, (account_id, currency) to ledger_accounts and
 *   transaction_id to ledger_transactions, ran one query per line each, with a row lock on the
 *   parent (FOR KEY SHARE): fourteen queries for a completion with its card capture. The lock
 *   only guards against the parent being deleted or its key changed, which the append-only
 *   triggers refuse already (1763900000100). The same rule now runs in the statement trigger
 *   that checks balance (`ledger_check_balanced_lines`, 1763900000812), over the inserted rows
 *   at once: every line's (account, currency) is an account, and every line's entry exists,
 *   else the insert fails with the foreign keys' own SQLSTATE (23503) and constraint names,
 *   so callers see what they saw before.
 * - The deferred checks of an entry at commit, two or more lines (1763900000812) and, for a
 *   resolution, that it resolves a hold and releases exactly its pending lines
 *   (1763900000810, 1763900000860), become one trigger call per entry (`ledger_check_entry`).
 *   The functions they replace stay for down.
 */
const BALANCED_LINES = (references: string) => `
      CREATE OR REPLACE FUNCTION ledger_check_balanced_lines() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids text[];
        off record;
      BEGIN
        SELECT array_agg(DISTINCT a.transaction_id) INTO ids FROM added a;${references}
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
      END $$`;

/** What the two foreign keys of ledger_postings checked, for all inserted lines in two queries. */
const REFERENCES = `
        -- Each line's account holds the line's currency (a probe of the primary key per line).
        SELECT a.account_id, a.currency INTO off FROM added a
         WHERE (SELECT l.currency FROM ledger_accounts l WHERE l.id = a.account_id) IS DISTINCT FROM a.currency LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insert or update on table "ledger_postings" violates foreign key constraint "ledger_postings_account_id_currency_fkey"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_postings_account_id_currency_fkey',
                  DETAIL = format('Key (account_id, currency)=(%s, %s) is not present in table "ledger_accounts".', off.account_id, off.currency);
        END IF;
        IF (SELECT count(*) FROM ledger_transactions t WHERE t.id = ANY (ids)) < cardinality(ids) THEN
          RAISE EXCEPTION 'insert or update on table "ledger_postings" violates foreign key constraint "ledger_postings_transaction_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_postings_transaction_id_fkey',
                  DETAIL = format('Key (transaction_id)=(%s) is not present in table "ledger_transactions".',
                                  (SELECT min(i) FROM unnest(ids) AS i WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = i)));
        END IF;`;

const CHECK_ENTRY = `
      CREATE FUNCTION ledger_check_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        lines integer;
      BEGIN
        SELECT count(*) INTO lines FROM ledger_postings WHERE transaction_id = NEW.id;
        IF lines < 2 THEN
          RAISE EXCEPTION 'ledger transaction % has % posting(s); two or more are needed', NEW.id, lines
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
        END IF;
        IF NEW.pending_id IS NOT NULL THEN
          IF NOT EXISTS (SELECT 1 FROM ledger_transactions h WHERE h.id = NEW.pending_id AND h.kind = 'payment.hold') THEN
            RAISE EXCEPTION 'hold % is not pending', NEW.pending_id USING ERRCODE = 'check_violation';
          END IF;
          IF (SELECT array_agg(row(p.account_id, p.currency::text, -p.amount)::text ORDER BY p.account_id, p.currency, -p.amount)
                FROM ledger_postings p WHERE p.transaction_id = NEW.pending_id AND p.pending)
             IS DISTINCT FROM
             (SELECT array_agg(row(p.account_id, p.currency::text, p.amount)::text ORDER BY p.account_id, p.currency, p.amount)
                FROM ledger_postings p WHERE p.transaction_id = NEW.id AND p.pending) THEN
            RAISE EXCEPTION 'ledger transaction % does not release exactly the pending lines of hold %', NEW.id, NEW.pending_id
              USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_resolution_releases_hold';
          END IF;
        END IF;
        RETURN NULL;
      END $$`;

export class LedgerLineReferencesPerStatement1763900000862 implements MigrationInterface {
  name = 'LedgerLineReferencesPerStatement1763900000862';

  async up(db: QueryRunner): Promise<void> {
    // The statement check first, so no insert is ever without one of the two.
    await db.query(BALANCED_LINES(REFERENCES));
    await db.query(`ALTER TABLE ledger_postings DROP CONSTRAINT ledger_postings_account_id_currency_fkey, DROP CONSTRAINT ledger_postings_transaction_id_fkey`);
    await db.query(CHECK_ENTRY);
    await db.query(`DROP TRIGGER ledger_transactions_has_lines ON ledger_transactions`);
    await db.query(`DROP TRIGGER ledger_transactions_release ON ledger_transactions`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_checked AFTER INSERT ON ledger_transactions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS ledger_transactions_checked ON ledger_transactions`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_check_entry()`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_has_lines AFTER INSERT ON ledger_transactions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_has_lines()`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_release AFTER INSERT ON ledger_transactions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.pending_id IS NOT NULL) EXECUTE FUNCTION ledger_check_release()`);
    await db.query(`ALTER TABLE ledger_postings
      ADD CONSTRAINT ledger_postings_account_id_currency_fkey FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency),
      ADD CONSTRAINT ledger_postings_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES ledger_transactions (id)`);
    await db.query(BALANCED_LINES(''));
  }
}
