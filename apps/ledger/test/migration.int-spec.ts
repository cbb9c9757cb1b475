import { createDataSource } from '@coop/platform';
import { createTestDatabase } from '@coop/testing';
import { JournalTransaction, hold, postPending } from '@coop/money';
import fc from 'fast-check';
import { ledgerOnFreshDatabase } from './ledger-fixtures';
import {
  ACCOUNT_ID_RULE,
  ACCOUNT_ID_RULE_100,
  TRANSACTION_ID_RULE,
  TRANSACTION_ID_RULE_100,
} from '../../../libs/platform/src/database/migrations/1763900000861-ledger-id-checks-uncounted';
import { Ledger1763900000100 } from '../../../libs/platform/src/database/migrations/1763900000100-ledger';
import { LedgerAppendBatch1763900000800 } from '../../../libs/platform/src/database/migrations/1763900000800-ledger-append-batch';
import { LedgerAppendIfPending1763900000810 } from '../../../libs/platform/src/database/migrations/1763900000810-ledger-append-if-pending';
import { LedgerAppendIndexLookups1763900000811 } from '../../../libs/platform/src/database/migrations/1763900000811-ledger-append-index-lookups';
import { LedgerBalancePerStatement1763900000812 } from '../../../libs/platform/src/database/migrations/1763900000812-ledger-balance-per-statement';
import { LedgerAppendAccountsRace1763900000813 } from '../../../libs/platform/src/database/migrations/1763900000813-ledger-append-accounts-race';
import { LedgerTipRequests1763900000850 } from '../../../libs/platform/src/database/migrations/1763900000850-ledger-tip-requests';
import { LedgerReversalLimits1763900000851 } from '../../../libs/platform/src/database/migrations/1763900000851-ledger-reversal-limits';
import { LedgerHoldStatesFromJournal1763900000860 } from '../../../libs/platform/src/database/migrations/1763900000860-ledger-hold-states-from-journal';
import { LedgerIdChecksUncounted1763900000861 } from '../../../libs/platform/src/database/migrations/1763900000861-ledger-id-checks-uncounted';
import { LedgerLineReferencesPerStatement1763900000862 } from '../../../libs/platform/src/database/migrations/1763900000862-ledger-line-references-per-statement';
import { LedgerPostingsByAccountInJournalOrder1763900000863 } from '../../../libs/platform/src/database/migrations/1763900000863-ledger-postings-by-account-in-journal-order';

jest.setTimeout(30_000);

const tip = (id: string): JournalTransaction => ({
  id,
  kind: 'trip.tip',
  metadata: { tripId: id },
  postings: [
    { accountId: 'rider:rider-m-1:receivable', amount: { amount: 300n, currency: 'CAD' } },
    { accountId: 'driver:driver-m:tips-payable', amount: { amount: -300n, currency: 'CAD' } },
  ],
});

const LEDGER_TABLES = ['ledger_accounts', 'ledger_hold_states', 'ledger_postings', 'ledger_transactions'];

describe('the ledger migration', () => {
  it('is reversible: down removes every ledger table and function, up brings them back working', async () => {
    const database = await createTestDatabase();
    const db = createDataSource({ url: database.url });
    await db.initialize();
    const runner = db.createQueryRunner();
    try {
      const tables = async () =>
        (await db.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'ledger\\_%' ORDER BY tablename`)).map((r: { tablename: string }) => r.tablename);
      const functions = async () =>
        (await db.query(`SELECT proname FROM pg_proc WHERE proname LIKE 'ledger\\_%' ORDER BY proname`)).map((r: { proname: string }) => r.proname);
      const views = async () =>
        (await db.query(`SELECT viewname FROM pg_views WHERE viewname LIKE 'ledger\\_%' ORDER BY viewname`)).map((r: { viewname: string }) => r.viewname);
      // Since 1763900000860 the hold states are a view of the journal.
      expect(await tables()).toEqual(['ledger_accounts', 'ledger_postings', 'ledger_tip_requests', 'ledger_transactions']);
      expect(await views()).toEqual(['ledger_hold_states']);
      expect(await functions()).toEqual(['ledger_append', 'ledger_append', 'ledger_check_balanced', 'ledger_check_balanced_lines', 'ledger_check_entry', 'ledger_check_has_lines', 'ledger_check_release', 'ledger_check_reversal_limit']);
      const byAccount = async () => (await db.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'ledger_postings_by_account'`))[0]?.indexdef;
      expect(await byAccount()).toMatch(/ON public\.ledger_postings USING btree \(account_id\)$/);
      await new LedgerPostingsByAccountInJournalOrder1763900000863().down(runner);
      expect(await byAccount()).toMatch(/\(account_id, transaction_id\)$/);
      await new LedgerLineReferencesPerStatement1763900000862().down(runner);
      await new LedgerIdChecksUncounted1763900000861().down(runner);
      await new LedgerHoldStatesFromJournal1763900000860().down(runner);
      expect(await views()).toEqual([]);
      await new LedgerAppendAccountsRace1763900000813().down(runner);
      await new LedgerReversalLimits1763900000851().down(runner);
      await new LedgerTipRequests1763900000850().down(runner);
      expect(await tables()).toEqual(LEDGER_TABLES);
      await new LedgerBalancePerStatement1763900000812().down(runner);
      await new LedgerAppendIndexLookups1763900000811().down(runner);
      await new LedgerAppendIfPending1763900000810().down(runner);
      expect(await functions()).toEqual(['ledger_append', 'ledger_check_balanced', 'ledger_hold_state_follows']);
      await new LedgerAppendBatch1763900000800().down(runner);
      expect(await functions()).toEqual(['ledger_check_balanced', 'ledger_hold_state_follows']);
      await new Ledger1763900000100().down(runner);
      expect(await tables()).toEqual([]);
      expect(await functions()).toEqual([]);
      await new Ledger1763900000100().up(runner);
      await new LedgerAppendBatch1763900000800().up(runner);
      await new LedgerAppendIfPending1763900000810().up(runner);
      await new LedgerAppendIndexLookups1763900000811().up(runner);
      await new LedgerBalancePerStatement1763900000812().up(runner);
      await new LedgerTipRequests1763900000850().up(runner);
      await new LedgerReversalLimits1763900000851().up(runner);
      await new LedgerAppendAccountsRace1763900000813().up(runner);
      expect(await tables()).toEqual([...LEDGER_TABLES, 'ledger_tip_requests'].sort());
      expect(await functions()).toEqual(['ledger_append', 'ledger_append', 'ledger_check_balanced', 'ledger_check_balanced_lines', 'ledger_check_has_lines', 'ledger_check_release', 'ledger_check_reversal_limit', 'ledger_hold_state_follows']);
      await new LedgerHoldStatesFromJournal1763900000860().up(runner);
      await new LedgerIdChecksUncounted1763900000861().up(runner);
      await new LedgerLineReferencesPerStatement1763900000862().up(runner);
      await new LedgerPostingsByAccountInJournalOrder1763900000863().up(runner);
      expect(await byAccount()).toMatch(/\(account_id\)$/);
      expect(await views()).toEqual(['ledger_hold_states']);
      // Working again: an unbalanced raw entry is still refused.
      await runner.startTransaction();
      await runner.query(`INSERT INTO ledger_accounts (id, currency, kind) VALUES ('coop:commission', 'CAD', 'coop-commission')`);
      await runner.query(`INSERT INTO ledger_transactions (id, kind, metadata) VALUES ('t', 'trip.tip', '{}')`);
      const unbalanced = runner.query(`INSERT INTO ledger_postings VALUES ('t', 0, 'coop:commission', 'CAD', 1, false), ('t', 1, 'coop:commission', 'CAD', 1, false)`);
      await expect(unbalanced).rejects.toMatchObject({ message: expect.stringContaining('does not balance') });
      await runner.rollbackTransaction();
      // Lines naming an account that does not hold their currency, or an entry that does not exist (1763900000862).
      await runner.startTransaction();
      await runner.query(`INSERT INTO ledger_accounts (id, currency, kind) VALUES ('coop:commission', 'CAD', 'coop-commission'), ('coop:fund', 'CAD', 'coop-fund')`);
      await runner.query(`INSERT INTO ledger_transactions (id, kind, metadata) VALUES ('t', 'trip.tip', '{}')`);
      await runner.query(`SAVEPOINT s`);
      await expect(runner.query(`INSERT INTO ledger_postings VALUES ('t', 0, 'coop:commission', 'USD', 1, false), ('t', 1, 'coop:fund', 'USD', -1, false)`)).rejects.toMatchObject({
        code: '23503',
        constraint: 'ledger_postings_account_id_currency_fkey',
      });
      await runner.query(`ROLLBACK TO SAVEPOINT s`);
      await expect(runner.query(`INSERT INTO ledger_postings VALUES ('t', 0, 'coop:nobody', 'CAD', 1, false), ('t', 1, 'coop:fund', 'CAD', -1, false)`)).rejects.toMatchObject({
        constraint: 'ledger_postings_account_id_currency_fkey',
      });
      await runner.query(`ROLLBACK TO SAVEPOINT s`);
      await expect(runner.query(`INSERT INTO ledger_postings VALUES ('u', 0, 'coop:commission', 'CAD', 1, false), ('u', 1, 'coop:fund', 'CAD', -1, false)`)).rejects.toMatchObject({
        code: '23503',
        constraint: 'ledger_postings_transaction_id_fkey',
        detail: 'Key (transaction_id)=(u) is not present in table "ledger_transactions".',
      });
      await runner.rollbackTransaction();
      // And an entry without lines, at commit.
      await runner.startTransaction();
      await runner.query(`INSERT INTO ledger_transactions (id, kind, metadata) VALUES ('t', 'trip.tip', '{}')`);
      await expect(runner.commitTransaction()).rejects.toMatchObject({ message: expect.stringContaining('two or more') });
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
      await db.destroy();
      await database.drop();
    }
  });

  it('1763900000860 keeps every hold state: down writes them back to a table, up folds them only if the table says what the journal says', async () => {
    const ledger = await ledgerOnFreshDatabase();
    const runner = ledger.db.createQueryRunner();
    const cad = (amount: number) => ({ amount: BigInt(amount), currency: 'CAD' });
    const states = async () => (await ledger.db.query(`SELECT hold_id, state, transaction_id FROM ledger_hold_states ORDER BY transaction_id`)) as unknown[];
    const migration = new LedgerHoldStatesFromJournal1763900000860();
    try {
      const resolved = hold({ id: 'm-1:hold', tripId: 'm-1', riderId: 'rider-m-1', amount: cad(2400) });
      await ledger.postings.post(resolved);
      await ledger.postings.post(postPending(resolved, 'm-1:hold:posted', cad(2000)));
      await ledger.postings.post(hold({ id: 'm-2:hold', tripId: 'm-2', riderId: 'rider-m-2', amount: cad(1800) }));
      const { tx: tipEntry } = (await ledger.postings.post(tip('m-tip'))).stored;
      const journalStates = [
        { hold_id: 'm-1:hold', state: 'pending', transaction_id: 'm-1:hold' },
        { hold_id: 'm-1:hold', state: 'posted', transaction_id: 'm-1:hold:posted' },
        { hold_id: 'm-2:hold', state: 'pending', transaction_id: 'm-2:hold' },
      ];
      expect(await states()).toEqual(journalStates);
      await migration.down(runner);
      expect(await ledger.db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'ledger_hold_states'`)).toEqual([{ n: 1 }]);
      expect(await states()).toEqual(journalStates);
      await migration.up(runner);
      expect(await states()).toEqual(journalStates);
      // A state row the journal does not back, written while it was a table: up refuses to drop it.
      await migration.down(runner);
      await ledger.db.query(`INSERT INTO ledger_hold_states (hold_id, state, transaction_id) VALUES ('m-2:hold', 'voided', $1)`, [tipEntry.id]);
      await expect(migration.up(runner)).rejects.toThrow(/differs from the journal in 1 row/);
    } finally {
      await runner.release();
      await ledger.close();
    }
  });

  it('1763900000861: the id rules without counted repetition accept exactly the ids the counted patterns accept', async () => {
    const database = await createTestDatabase();
    const db = createDataSource({ url: database.url });
    await db.initialize();
    try {
      // Pieces from inside and outside every class, colons for the account structure, and runs
      // long enough to cross the 128 and 200 character limits.
      const pieces = ['a', 'z', 'Q', '0', '9', '.', '_', '-', ':', ' ', 'é', '/', 'rider', 'coop', 'receivable', 'm'.repeat(60), 'X'.repeat(127), '7'.repeat(199)];
      const text = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((parts) => parts.join(''));
      // Account-shaped: kind, an optional member, a suffix, each sometimes malformed.
      const accountLike = fc
        .tuple(fc.constantFrom('rider', 'coop', 'a', '', 'Rider'), fc.option(text), fc.constantFrom('receivable', 'tips-payable', '', 'X', 'a-b'))
        .map(([kind, member, suffix]) => `${kind}${member === null ? '' : `:${member}`}:${suffix}`);
      const generated = [...fc.sample(text, { numRuns: 3000, seed: 861 }), ...fc.sample(accountLike, { numRuns: 3000, seed: 862 })];
      const edges = [199, 200, 201].map((n) => 't' + 'x'.repeat(n - 1)).concat([127, 128, 129].map((n) => `rider:${'m'.repeat(n)}:receivable`), ['coop:commission', 'a:b:c', ':a:b', 'a::b', 'a:b:']);
      const rows: Array<{ id: string; tx_old: boolean; tx_new: boolean; account_old: boolean; account_new: boolean }> = await db.query(
        `SELECT id, ${TRANSACTION_ID_RULE_100} AS tx_old, ${TRANSACTION_ID_RULE} AS tx_new,
                ${ACCOUNT_ID_RULE_100} AS account_old, ${ACCOUNT_ID_RULE} AS account_new
           FROM unnest($1::text[]) AS t(id)`,
        [[...generated, ...edges]],
      );
      expect(rows.filter((r) => r.tx_old !== r.tx_new || r.account_old !== r.account_new)).toEqual([]);
      // Both outcomes occur for both rules, so the comparison says something.
      for (const key of ['tx_old', 'account_old'] as const) {
        expect(rows.filter((r) => r[key]).length).toBeGreaterThan(100);
        expect(rows.filter((r) => !r[key]).length).toBeGreaterThan(100);
      }
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
