import { MigrationInterface, QueryRunner } from 'typeorm';
import { LEDGER_APPEND_INDEX_LOOKUPS_811 } from './1763900000811-ledger-append-index-lookups';

const ACCOUNTS_BY_ID = 'ORDER BY l.account\n          ON CONFLICT (id) DO NOTHING;';
const ACCOUNTS_ANY = 'ORDER BY l.account\n          ON CONFLICT DO NOTHING;';

/** The function as this migration defines it (1763900000860 restores it on down). */
export const LEDGER_APPEND_813 = LEDGER_APPEND_INDEX_LOOKUPS_811.replace(ACCOUNTS_BY_ID, ACCOUNTS_ANY);

/**
 * `ledger_append` creating a new account from two transactions at once: with `ON CONFLICT (id)`
 * only the primary key arbitrates, and the second unique index, (id, currency), which postings
 * reference, raised 23505 for the loser instead of skipping (seen at the first postings of a
 * fresh database: `Key (id, currency)=(coop:commission, CAD) already exists`). Without a conflict
 * target every unique index arbitrates. A row taken under another currency is skipped as before,
 * and the posting's (account, currency) reference still refuses it.
 */
export class LedgerAppendAccountsRace1763900000813 implements MigrationInterface {
  name = 'LedgerAppendAccountsRace1763900000813';

  async up(db: QueryRunner): Promise<void> {
    if (!LEDGER_APPEND_INDEX_LOOKUPS_811.includes(ACCOUNTS_BY_ID)) throw new Error('1763900000813: the accounts insert of 811 is not where it was');
    await db.query(LEDGER_APPEND_813);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(LEDGER_APPEND_INDEX_LOOKUPS_811);
  }
}
