import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The id CHECKs of ledger_transactions and ledger_accounts (1763900000100) without counted
 * repetition, same rule. PostgreSQL's regular expression engine expands a bound such as
 * `{0,199}` into that many copies of its states, and running it cost about 60 µs per
 * transaction id and 35 µs per account id (20,000 ids in psql: 1.2 s against 0.05 s without
 * the bound), every INSERT: about a fifth of the database's CPU for a completed trip with its
 * card capture (perf, apps/ledger/README.md, Benchmark). The same limits, written as lengths:
 *
 * - transaction id: `^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$` is one of those characters and then
 *   any number of them, 200 characters at most;
 * - account id: `^[a-z]+(:[A-Za-z0-9][A-Za-z0-9._-]{0,127})?:[a-z-]+$`; no class admits `:`,
 *   so the colons split the id into two parts, or three with the member in the middle, which
 *   is at most 128 characters.
 *
 * Each new CHECK is added and validated against the stored ids (one scan of the table, under
 * the migration's lock) before the old one is dropped. Equivalence is tested on generated ids
 * (apps/ledger/test/migration.int-spec.ts).
 */
export const TRANSACTION_ID_RULE = `id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]*$' AND length(id) <= 200`;
export const ACCOUNT_ID_RULE = `id ~ '^[a-z]+(:[A-Za-z0-9][A-Za-z0-9._-]*)?:[a-z-]+$' AND (split_part(id, ':', 3) = '' OR length(split_part(id, ':', 2)) <= 128)`;
export const TRANSACTION_ID_RULE_100 = `id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'`;
export const ACCOUNT_ID_RULE_100 = `id ~ '^[a-z]+(:[A-Za-z0-9][A-Za-z0-9._-]{0,127})?:[a-z-]+$'`;

export class LedgerIdChecksUncounted1763900000861 implements MigrationInterface {
  name = 'LedgerIdChecksUncounted1763900000861';

  async up(db: QueryRunner): Promise<void> {
    await replaceCheck(db, 'ledger_transactions', 'ledger_transactions_id_check', 'ledger_transactions_id_rule', TRANSACTION_ID_RULE);
    await replaceCheck(db, 'ledger_accounts', 'ledger_accounts_id_check', 'ledger_accounts_id_rule', ACCOUNT_ID_RULE);
  }

  async down(db: QueryRunner): Promise<void> {
    await replaceCheck(db, 'ledger_accounts', 'ledger_accounts_id_rule', 'ledger_accounts_id_check', ACCOUNT_ID_RULE_100);
    await replaceCheck(db, 'ledger_transactions', 'ledger_transactions_id_rule', 'ledger_transactions_id_check', TRANSACTION_ID_RULE_100);
  }
}

async function replaceCheck(db: QueryRunner, table: string, from: string, to: string, rule: string): Promise<void> {
  await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${to} CHECK (${rule}) NOT VALID`);
  await db.query(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${to}`);
  await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${from}`);
}
