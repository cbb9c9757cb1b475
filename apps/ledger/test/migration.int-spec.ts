import { createDataSource } from '@coop/platform';
import { createTestDatabase } from '@coop/testing';
import { Ledger1763900000100 } from '../../../libs/platform/src/database/migrations/1763900000100-ledger';
import { LedgerAppendBatch1763900000800 } from '../../../libs/platform/src/database/migrations/1763900000800-ledger-append-batch';
import { LedgerAppendIfPending1763900000810 } from '../../../libs/platform/src/database/migrations/1763900000810-ledger-append-if-pending';
import { LedgerAppendIndexLookups1763900000811 } from '../../../libs/platform/src/database/migrations/1763900000811-ledger-append-index-lookups';
import { LedgerBalancePerStatement1763900000812 } from '../../../libs/platform/src/database/migrations/1763900000812-ledger-balance-per-statement';
import { LedgerAppendAccountsRace1763900000813 } from '../../../libs/platform/src/database/migrations/1763900000813-ledger-append-accounts-race';
import { LedgerTipRequests1763900000850 } from '../../../libs/platform/src/database/migrations/1763900000850-ledger-tip-requests';
import { LedgerReversalLimits1763900000851 } from '../../../libs/platform/src/database/migrations/1763900000851-ledger-reversal-limits';

jest.setTimeout(30_000);

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
      expect(await tables()).toEqual([...LEDGER_TABLES, 'ledger_tip_requests'].sort());
      expect(await functions()).toEqual(['ledger_append', 'ledger_append', 'ledger_check_balanced', 'ledger_check_balanced_lines', 'ledger_check_has_lines', 'ledger_check_release', 'ledger_check_reversal_limit', 'ledger_hold_state_follows']);
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
      // Working again: an unbalanced raw entry is still refused.
      await runner.startTransaction();
      await runner.query(`INSERT INTO ledger_accounts (id, currency, kind) VALUES ('coop:commission', 'CAD', 'coop-commission')`);
      await runner.query(`INSERT INTO ledger_transactions (id, kind, metadata) VALUES ('t', 'trip.tip', '{}')`);
      const unbalanced = runner.query(`INSERT INTO ledger_postings VALUES ('t', 0, 'coop:commission', 'CAD', 1, false), ('t', 1, 'coop:commission', 'CAD', 1, false)`);
      await expect(unbalanced).rejects.toMatchObject({ message: expect.stringContaining('does not balance') });
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
});
