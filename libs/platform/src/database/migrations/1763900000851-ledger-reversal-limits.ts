import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds and corrections (apps/ledger/src/corrections) take back at most what the original
 * entry posted, enforced here and not only in code:
 *
 * - A deferred constraint trigger checks at commit, for every entry that `reverses` another
 *   (kinds refund and reversal), that on each account of the original the reversing entries
 *   together take back at most what the original put there, and that the entry itself takes
 *   back on each such account and adds to none (constraint `ledger_reversal_limit`,
 *   SQLSTATE 23514).
 * - The reversing entries of one original form a chain: each names the one before it in
 *   `metadata.after` ("" for the first), and a unique index allows one successor per link.
 *   Two refunds computed from the same state (concurrent requests) name the same
 *   predecessor, so the second to commit is refused (`ledger_transactions_reversal_chain`)
 *   and recomputed by the caller; the limit check then sees every predecessor committed.
 *   Entries without `after` (older ones) are outside the chain and checked by the limit alone.
 */
export class LedgerReversalLimits1763900000851 implements MigrationInterface {
  name = 'LedgerReversalLimits1763900000851';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNIQUE INDEX ledger_transactions_reversal_chain
        ON ledger_transactions (reverses, (coalesce(metadata->>'after', '')))
        WHERE reverses IS NOT NULL AND metadata ? 'after'`);
    await db.query(`CREATE INDEX ledger_transactions_by_reverses ON ledger_transactions (reverses) WHERE reverses IS NOT NULL`);
    await db.query(`
      CREATE FUNCTION ledger_check_reversal_limit() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        off record;
      BEGIN
        SELECT o.account_id, o.total AS posted, coalesce(r.total, 0) AS reversed INTO off
          FROM (SELECT account_id, sum(amount) AS total FROM ledger_postings
                 WHERE transaction_id = NEW.reverses AND NOT pending GROUP BY account_id) o
          LEFT JOIN (SELECT p.account_id, sum(p.amount) AS total
                       FROM ledger_transactions t JOIN ledger_postings p ON p.transaction_id = t.id
                      WHERE t.reverses = NEW.reverses AND NOT p.pending GROUP BY p.account_id) r
            ON r.account_id = o.account_id
         WHERE (coalesce(r.total, 0) <> 0 AND sign(r.total) = sign(o.total)) OR abs(coalesce(r.total, 0)) > abs(o.total)
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'entries reversing % take back % on %, which it posted %', NEW.reverses, -off.reversed, off.account_id, off.posted
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_reversal_limit';
        END IF;
        -- Each entry on its own only takes back: none adds to a line of the original.
        SELECT n.account_id, n.total AS added INTO off
          FROM (SELECT account_id, sum(amount) AS total FROM ledger_postings
                 WHERE transaction_id = NEW.id AND NOT pending GROUP BY account_id) n
          JOIN (SELECT account_id, sum(amount) AS total FROM ledger_postings
                 WHERE transaction_id = NEW.reverses AND NOT pending GROUP BY account_id) o
            ON o.account_id = n.account_id
         WHERE n.total <> 0 AND sign(n.total) = sign(o.total)
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'entry % adds % to % of %, which it reverses', NEW.id, off.added, off.account_id, NEW.reverses
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_reversal_limit';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE CONSTRAINT TRIGGER ledger_transactions_reversal_limit AFTER INSERT ON ledger_transactions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.reverses IS NOT NULL) EXECUTE FUNCTION ledger_check_reversal_limit()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS ledger_transactions_reversal_limit ON ledger_transactions`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_check_reversal_limit()`);
    await db.query(`DROP INDEX IF EXISTS ledger_transactions_by_reverses`);
    await db.query(`DROP INDEX IF EXISTS ledger_transactions_reversal_chain`);
  }
}
