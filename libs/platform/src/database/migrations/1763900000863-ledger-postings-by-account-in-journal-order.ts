import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account index of ledger_postings keyed by the account alone, so a new line lands at the
 * right end of its account's range instead of at a random place inside it.
 *
 * `ledger_postings_by_account` was (account_id, transaction_id). Entry ids are client-chosen and
 * random (`trip:<uuid>:completed`), so every insert went to a random leaf page within its
 * account's range: a busy account such as `coop:commission` spread its inserts over all of its
 * pages, and the whole index (the largest of the ledger's, ~220 MB after 1.6 million lines) was
 * the working set. With more of it than shared_buffers, each completion read its pages back
 * from the OS and wrote dirty ones out (pg_statio: the index with the most block reads; perf:
 * ~18% of the backend's time in pread and pwrite; apps/ledger/README.md, Benchmark).
 *
 * Keyed by account_id alone, equal keys are ordered by heap position (PostgreSQL 12+) and
 * stored as deduplicated posting lists (13+); the journal's heap is appended to, so a new line
 * goes at its account's last page: one hot page per account, and the index is about half as
 * large. Every query that used it (an account's lines, balances, statements, `touching`) asks
 * by account and reads the line's row anyway, or its transaction id once per line found.
 */
export class LedgerPostingsByAccountInJournalOrder1763900000863 implements MigrationInterface {
  name = 'LedgerPostingsByAccountInJournalOrder1763900000863';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ledger_postings_by_account`);
    await db.query(`CREATE INDEX ledger_postings_by_account ON ledger_postings (account_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ledger_postings_by_account`);
    await db.query(`CREATE INDEX ledger_postings_by_account ON ledger_postings (account_id, transaction_id)`);
  }
}
