import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  JournalTransaction,
  MoneyError,
  defaultFarePolicy,
  hold,
  money,
  postPending,
  postTip,
  reverse,
  voidPending,
} from '@coop/money';
import { createDataSource } from '@coop/platform';
import { ledgerOnFreshDatabase, partsOn } from './ledger-fixtures';

jest.setTimeout(60_000);

const cad = (n: number) => money(n, 'CAD');

function tip(id: string, amount = 300): JournalTransaction {
  return postTip({ id, tripId: 'trip-1', riderId: 'rider-1', driverId: 'driver-1', tip: cad(amount) });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as MoneyError).code ?? (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('the journal in PostgreSQL', () => {
  let ledger: Awaited<ReturnType<typeof ledgerOnFreshDatabase>>;
  let sql: Client;

  beforeAll(async () => {
    ledger = await ledgerOnFreshDatabase(30);
    sql = new Client({ connectionString: (ledger.db.options as { url: string }).url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await ledger.close();
  });

  describe('the database itself refuses', () => {
    /** Runs raw statements in one transaction; on a refusal rolls back and rethrows it. */
    async function raw(statements: string[]): Promise<void> {
      await sql.query('BEGIN');
      try {
        for (const statement of statements) await sql.query(statement);
        await sql.query('COMMIT');
      } catch (error) {
        await sql.query('ROLLBACK');
        throw error;
      }
    }

    beforeAll(async () => {
      await sql.query(`INSERT INTO ledger_accounts (id, currency, kind) VALUES ('rider:r-x:receivable', 'CAD', 'rider-receivable'), ('coop:commission', 'CAD', 'coop-commission') ON CONFLICT DO NOTHING`);
    });

    it('a transaction whose postings do not balance, when its lines are inserted', async () => {
      const refused = raw([
        `INSERT INTO ledger_transactions (id, kind, metadata) VALUES ('raw-unbalanced', 'trip.tip', '{}')`,
        `INSERT INTO ledger_postings VALUES ('raw-unbalanced', 0, 'rider:r-x:receivable', 'CAD', 1000, false), ('raw-unbalanced', 1, 'coop:commission', 'CAD', -999, false)`,
      ]);
      await expect(refused).rejects.toMatchObject({ code: '23514', message: expect.stringContaining('does not balance: CAD posted layer sums to 1') });
      expect((await sql.query(`SELECT 1 FROM ledger_transactions WHERE id = 'raw-unbalanced'`)).rowCount).toBe(0);
      // The same entry balanced is accepted: the refusal was the imbalance, nothing else.
      await raw([
        `INSERT INTO ledger_transactions (id, kind, metadata) VALUES ('raw-balanced', 'trip.tip', '{}')`,
        `INSERT INTO ledger_postings VALUES ('raw-balanced', 0, 'rider:r-x:receivable', 'CAD', 1000, false), ('raw-balanced', 1, 'coop:commission', 'CAD', -1000, false)`,
      ]);
      expect((await sql.query(`SELECT 1 FROM ledger_transactions WHERE id = 'raw-balanced'`)).rowCount).toBe(1);
    });

    it('a line added later to a posted entry, unless the entry still balances with it', async () => {
      await ledger.postings.post(tip('tip-extended', 300));
      const added = raw([`INSERT INTO ledger_postings VALUES ('tip-extended', 7, 'coop:commission', 'CAD', 5, false)`]);
      await expect(added).rejects.toMatchObject({ code: '23514', message: expect.stringContaining('tip-extended does not balance: CAD posted layer sums to 5') });
      // Lines of several entries in one statement: each entry is checked, not only their sum.
      await ledger.postings.post(tip('tip-other', 300));
      const crossed = raw([
        `INSERT INTO ledger_postings VALUES ('tip-extended', 7, 'coop:commission', 'CAD', 5, false), ('tip-other', 7, 'coop:commission', 'CAD', -5, false)`,
      ]);
      await expect(crossed).rejects.toMatchObject({ code: '23514' });
      expect((await ledger.journal.find('tip-extended'))!.tx).toEqual(tip('tip-extended', 300));
    });

    it('a transaction with fewer than two postings, and one balanced only across layers', async () => {
      await expect(raw([`INSERT INTO ledger_transactions (id, kind, metadata) VALUES ('raw-empty', 'trip.tip', '{}')`])).rejects.toMatchObject({
        code: '23514',
        message: expect.stringContaining('two or more'),
      });
      const acrossLayers = raw([
        `INSERT INTO ledger_transactions (id, kind, metadata) VALUES ('raw-layers', 'trip.tip', '{}')`,
        `INSERT INTO ledger_postings VALUES ('raw-layers', 0, 'rider:r-x:receivable', 'CAD', 500, true), ('raw-layers', 1, 'coop:commission', 'CAD', -500, false)`,
      ]);
      await expect(acrossLayers).rejects.toMatchObject({ code: '23514' });
    });

    it('an unbalanced entry sent through the repository (bypassing the code check) with LEDGER.UNBALANCED', async () => {
      const bad = { ...tip('tip-unbalanced'), postings: [tip('x').postings[0]!, { ...tip('x').postings[1]!, amount: cad(-299) }] };
      await expect(ledger.journal.append(bad)).rejects.toMatchObject({ code: 'LEDGER.UNBALANCED' });
      expect(await ledger.journal.find('tip-unbalanced')).toBeUndefined();
    });

    it('a posting in another currency than its account', async () => {
      await ledger.postings.post(tip('tip-cad'));
      const usd = { ...tip('tip-usd'), postings: tip('tip-usd').postings.map((p) => ({ ...p, amount: money(p.amount.amount, 'USD') })) };
      expect(await codeOf(ledger.postings.post(usd))).toBe('LEDGER.ACCOUNT_CURRENCY_MISMATCH');
      expect(await ledger.journal.find('tip-usd')).toBeUndefined();
    });

    it('UPDATE, DELETE and TRUNCATE on entries, postings and accounts', async () => {
      await ledger.postings.post(tip('tip-frozen'));
      await ledger.postings.post(hold({ id: 'hold-frozen', tripId: 'trip-frozen', riderId: 'rider-frozen', amount: cad(900) }));
      const attempts = [
        `UPDATE ledger_postings SET amount = amount + 1 WHERE transaction_id = 'tip-frozen'`,
        `DELETE FROM ledger_postings WHERE transaction_id = 'tip-frozen'`,
        `UPDATE ledger_transactions SET metadata = '{}' WHERE id = 'tip-frozen'`,
        `DELETE FROM ledger_transactions WHERE id = 'tip-frozen'`,
        `UPDATE ledger_accounts SET currency = 'USD' WHERE id = 'driver:driver-1:tips-payable'`,
        `DELETE FROM ledger_accounts WHERE id = 'driver:driver-1:tips-payable'`,
        `TRUNCATE ledger_postings, ledger_transactions, ledger_accounts`,
        // The hold states are a view of the journal (migration 1763900000860): a delete through it reaches the entries.
        `DELETE FROM ledger_hold_states WHERE hold_id = 'hold-frozen'`,
      ];
      for (const statement of attempts) {
        await expect(sql.query(statement)).rejects.toMatchObject({ message: expect.stringMatching(/append-only: (UPDATE|DELETE|TRUNCATE) refused/) });
      }
      const stored = await ledger.journal.find('tip-frozen');
      expect(stored!.tx).toEqual(tip('tip-frozen'));
    });
  });

  describe('idempotency (TigerBeetle semantics)', () => {
    it('returns the original for the same id and content, and refuses other content with a clear code', async () => {
      const first = await ledger.postings.post(tip('tip-idem', 450));
      const again = await ledger.postings.post(tip('tip-idem', 450));
      expect(first.outcome).toBe('new');
      expect(again).toEqual({ outcome: 'duplicate', stored: first.stored });
      const other = ledger.postings.post(tip('tip-idem', 451));
      await expect(other).rejects.toMatchObject({ code: 'LEDGER.IDEMPOTENCY_CONFLICT', details: { differs: ['postings'] } });
      expect((await ledger.journal.find('tip-idem'))!.tx).toEqual(tip('tip-idem', 450));
    });

    it('500 concurrent postings with duplicated ids store exactly the unique ones, and the trial balance is zero', async () => {
      const ids = Array.from({ length: 125 }, (_, i) => `trip:${randomUUID()}:tip-${i}`);
      const attempts = [...ids, ...ids, ...ids, ...ids].sort(() => 0.5 - Math.random());
      const before = Number((await sql.query('SELECT count(*) AS n FROM ledger_transactions')).rows[0].n);
      const results = await Promise.all(attempts.map((id) => ledger.postings.post(tip(id, 100 + (id.length % 7)))));
      expect(results.filter((r) => r.outcome === 'new')).toHaveLength(125);
      expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(375);
      const after = Number((await sql.query('SELECT count(*) AS n FROM ledger_transactions')).rows[0].n);
      expect(after - before).toBe(125);
      const totals = await sql.query(`SELECT currency, pending, sum(amount)::text AS total FROM ledger_postings GROUP BY currency, pending`);
      for (const row of totals.rows) expect(row.total).toBe('0');
      const balances = await ledger.journal.balances(['driver:driver-1:tips-payable', 'rider:rider-1:receivable']);
      expect(balances[0].posted + balances[1].posted).toBe(0n);
    });

    it('two ledger processes (two pools, two group commits) posting the same ids at once store each once', async () => {
      const secondDb = createDataSource({ url: (ledger.db.options as { url: string }).url, poolSize: 10 });
      await secondDb.initialize();
      const second = partsOn(secondDb);
      try {
        const ids = Array.from({ length: 100 }, (_, i) => `trip:${randomUUID()}:tip-two-${i}`);
        const results = await Promise.all([
          ...ids.map((id) => ledger.postings.post(tip(id, 200))),
          ...[...ids].reverse().map((id) => second.postings.post(tip(id, 200))),
        ]);
        expect(results.filter((r) => r.outcome === 'new')).toHaveLength(100);
        const stored = await sql.query(`SELECT count(*) AS n FROM ledger_transactions WHERE id = ANY($1)`, [ids]);
        expect(Number(stored.rows[0].n)).toBe(100);
      } finally {
        await secondDb.destroy();
      }
    });

    it('each entry of a batched call stores its own metadata, quotes, backslashes and all (the call sends it as one JSON array)', async () => {
      const entries = Array.from({ length: 12 }, (_, i) =>
        postTip({ id: `tip-meta-${i}`, tripId: `trip "${i}" \\ {é,} ${'x'.repeat(i)}`, riderId: `rider-${i}`, driverId: 'driver-1', tip: cad(100 + i) }),
      );
      const answers = await ledger.journal.appendUnits(entries.map((tx, i) => (i % 3 === 0 ? [tx, tip(`tip-meta-plain-${i}`)] : [tx])));
      expect(answers.every((a) => a.ok)).toBe(true);
      for (const tx of entries) expect((await ledger.journal.find(tx.id))!.tx).toEqual(tx);
      // Sent again, each is found the same, not in conflict with a neighbour's metadata.
      const again = await ledger.journal.appendUnits(entries.map((tx) => [tx]));
      expect(again.map((a) => a.ok && a.value[0]!.outcome)).toEqual(entries.map(() => 'duplicate'));
    });

    it('a group commit answers each unit on its own: new, duplicate in the batch, conflicting, refused by the database', async () => {
      await ledger.postings.post(tip('tip-stored', 300));
      const unbalanced: JournalTransaction = { ...tip('tip-unbalanced'), postings: [tip('x').postings[0]!, { ...tip('x').postings[1]!, amount: cad(-299) }] };
      const answers = await ledger.journal.appendUnits([
        [tip('tip-a'), tip('tip-b')],
        [tip('tip-a')],
        [tip('tip-a', 301), tip('tip-c')],
        [tip('tip-stored', 999), tip('tip-d')],
        [unbalanced],
        [tip('tip-e')],
      ]);
      const summary = answers.map((a) => (a.ok ? a.value.map((r) => `${r.outcome === 'skipped' ? r.tx.id : r.stored.tx.id}:${r.outcome}`) : (a.error as MoneyError).code));
      expect(summary).toEqual([
        ['tip-a:new', 'tip-b:new'],
        ['tip-a:duplicate'],
        'LEDGER.IDEMPOTENCY_CONFLICT',
        'LEDGER.IDEMPOTENCY_CONFLICT',
        'LEDGER.UNBALANCED',
        ['tip-e:new'],
      ]);
      // A refused unit leaves nothing behind, not even its innocent entries.
      for (const id of ['tip-c', 'tip-d', 'tip-unbalanced']) expect(await ledger.journal.find(id)).toBeUndefined();
      expect((await ledger.journal.find('tip-stored'))!.tx).toEqual(tip('tip-stored', 300));
    });
  });

  describe('corrections and two-phase holds', () => {
    it('a reversal points to the original, nets it to zero, and happens at most once', async () => {
      const original = tip('tip-to-reverse', 700);
      await ledger.postings.post(original);
      const reversal = reverse(original, 'tip-to-reverse:reversal', 'rider disputed');
      await ledger.postings.post(reversal);
      const stored = await sql.query(`SELECT reverses FROM ledger_transactions WHERE id = 'tip-to-reverse:reversal'`);
      expect(stored.rows[0].reverses).toBe('tip-to-reverse');
      const net = await sql.query(
        `SELECT account_id, sum(amount)::text AS net FROM ledger_postings WHERE transaction_id IN ('tip-to-reverse', 'tip-to-reverse:reversal') GROUP BY account_id`,
      );
      expect(net.rows.map((r) => r.net)).toEqual(['0', '0']);
      expect(await codeOf(ledger.postings.post(reverse(original, 'tip-to-reverse:reversal-2')))).toBe('LEDGER.INVALID_TRANSACTION');
    });

    it('a hold is pending, then posted once; a second resolution is refused', async () => {
      const held = hold({ id: 'hold-1', tripId: 'trip-h', riderId: 'rider-h', amount: cad(2500) });
      await ledger.postings.post(held);
      expect(await ledger.journal.holdState('hold-1')).toBe('pending');
      await ledger.postings.post(postPending(held, 'hold-1:capture', cad(2100)));
      expect(await ledger.journal.holdState('hold-1')).toBe('posted');
      expect(await codeOf(ledger.postings.post(voidPending(held, 'hold-1:void')))).toBe('LEDGER.INVALID_PENDING');
      const [rider] = await ledger.journal.balances(['rider:rider-h:receivable']);
      expect(rider).toMatchObject({ posted: -2100n, pending: 0n });
      const states = await sql.query(`SELECT state FROM ledger_hold_states WHERE hold_id = 'hold-1' ORDER BY at, state`);
      expect(states.rows.map((r) => r.state).sort()).toEqual(['pending', 'posted']);
    });

    it('a resolution of an entry that is not a hold is refused by the database', async () => {
      await ledger.postings.post(tip('tip-not-a-hold'));
      // Straight to the journal, past the code's own checks: the database refuses it at commit.
      const resolution: JournalTransaction = { ...tip('tip-not-a-hold:void'), kind: 'payment.void', pendingId: 'tip-not-a-hold' };
      expect(await codeOf(ledger.journal.append(resolution))).toBe('LEDGER.INVALID_PENDING');
      expect(await ledger.journal.find('tip-not-a-hold:void')).toBeUndefined();
      expect(await ledger.journal.holdState('tip-not-a-hold')).toBeUndefined();
    });

    it('a voided hold releases the pending layer and posts nothing', async () => {
      const held = hold({ id: 'hold-2', tripId: 'trip-v', riderId: 'rider-v', amount: cad(1800) });
      await ledger.postings.post(held);
      await ledger.postings.post(voidPending(held, 'hold-2:void', 'rider cancelled'));
      expect(await ledger.journal.holdState('hold-2')).toBe('voided');
      const [rider] = await ledger.journal.balances(['rider:rider-v:receivable']);
      expect(rider).toMatchObject({ posted: 0n, pending: 0n });
    });
  });

  describe('a resolution built without reading its hold (if-pending)', () => {
    /** A hold as placed at request (its metadata carries more than the outcome event knows), and the same lines rebuilt bare. */
    function holdPair(n: string, amount = 2400) {
      const stored = hold({ id: `ip-${n}:hold`, tripId: `ip-${n}`, riderId: `rider-ip-${n}`, amount: cad(amount), details: { quoteId: `q-${n}`, requestedAt: '2026-11-23T10:00:00.000Z' } });
      const rebuilt = hold({ id: `ip-${n}:hold`, tripId: `ip-${n}`, riderId: `rider-ip-${n}`, amount: cad(amount) });
      return { stored, rebuilt };
    }
    const fee = (n: string) => tip(`ip-${n}:fee`, 150);

    it('is appended with the entry while the hold is pending, storing what the stored hold would have built, once', async () => {
      const { stored, rebuilt } = holdPair('a');
      await ledger.postings.post(stored);
      const fromEvent = postPending(rebuilt, 'ip-a:capture', cad(2000), { reason: 'trip completed' });
      const [entry, resolution] = await ledger.postings.postWithResolution(fee('a'), fromEvent);
      expect([entry.outcome, resolution.outcome]).toEqual(['new', 'new']);
      // The hold's own metadata is merged in by the database: the same entry as one built from the stored hold.
      const fromStored = postPending(stored, 'ip-a:capture', cad(2000), { reason: 'trip completed' });
      expect((await ledger.journal.find('ip-a:capture'))!.tx).toEqual(fromStored);
      expect(await ledger.journal.holdState('ip-a:hold')).toBe('posted');
      // A retry by either path is a duplicate, not a conflict.
      const [, again] = await ledger.postings.postWithResolution(fee('a'), fromEvent);
      expect(again.outcome).toBe('duplicate');
      expect((await ledger.postings.post(fromStored)).outcome).toBe('duplicate');
    });

    it('is skipped, with the hold state, when the hold is resolved already or was never placed; the entry is posted alone', async () => {
      const { stored, rebuilt } = holdPair('b');
      await ledger.postings.post(stored);
      await ledger.postings.post(voidPending(stored, 'ip-b:void'));
      const [entry, resolution] = await ledger.postings.postWithResolution(fee('b'), postPending(rebuilt, 'ip-b:capture', cad(2000)));
      expect(entry.outcome).toBe('new');
      expect(resolution).toMatchObject({ outcome: 'skipped', holdState: 'voided' });
      expect(await ledger.journal.find('ip-b:capture')).toBeUndefined();

      const none = holdPair('c');
      const [alone, noHold] = await ledger.postings.postWithResolution(fee('c'), postPending(none.rebuilt, 'ip-c:capture', cad(2000)));
      expect(alone.outcome).toBe('new');
      expect(noHold).toMatchObject({ outcome: 'skipped', holdState: 'none' });
      expect(await ledger.journal.find('ip-c:capture')).toBeUndefined();
    });

    it('two resolutions of one hold racing (if-pending and a void, in one batch and in two processes) leave exactly one', async () => {
      const otherDb = createDataSource({ url: (ledger.db.options as { url: string }).url, poolSize: 4 });
      await otherDb.initialize();
      const other = partsOn(otherDb);
      try {
        for (const n of ['d', 'e', 'f', 'g']) {
          const { stored, rebuilt } = holdPair(n);
          await ledger.postings.post(stored);
          const capture = postPending(rebuilt, `ip-${n}:capture`, cad(2000));
          const racers = [
            ledger.postings.postWithResolution(fee(n), capture),
            (n === 'd' || n === 'e' ? ledger : other).postings.postTogether([voidPending(stored, `ip-${n}:void`)]).catch((e: MoneyError) => e.code),
          ];
          await Promise.all(racers);
          const states = await sql.query(`SELECT state FROM ledger_hold_states WHERE hold_id = $1 AND state <> 'pending'`, [`ip-${n}:hold`]);
          expect(states.rowCount).toBe(1);
          expect(await ledger.journal.find(`ip-${n}:fee`)).toBeDefined();
        }
      } finally {
        await otherDb.destroy();
      }
    });

    it('a resolution whose release is not exactly its hold is refused by the database, with nothing of its unit kept', async () => {
      const { stored } = holdPair('h', 2400);
      await ledger.postings.post(stored);
      const wrongHold = hold({ id: 'ip-h:hold', tripId: 'ip-h', riderId: 'rider-ip-h', amount: cad(2300) });
      const refused = ledger.postings.postWithResolution(fee('h'), postPending(wrongHold, 'ip-h:capture', cad(2000)));
      await expect(refused).rejects.toMatchObject({ code: 'LEDGER.INVALID_PENDING', details: { id: 'ip-h:capture', release: 'mismatch' } });
      expect(await ledger.journal.find('ip-h:fee')).toBeUndefined();
      // Also through the plain path (a resolution built from the wrong hold): the database, not the code, refuses it.
      expect(await codeOf(ledger.postings.post(voidPending(wrongHold, 'ip-h:void')))).toBe('LEDGER.INVALID_PENDING');
      expect(await ledger.journal.holdState('ip-h:hold')).toBe('pending');
    });
  });

  it('the policy used by the fixtures is the default fare policy (sanity)', () => {
    expect(defaultFarePolicy.currency).toBe('CAD');
  });
});
