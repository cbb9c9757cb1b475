import type { DataSource } from 'typeorm';
import { JournalTransaction } from '@coop/money';
import { createDataSource } from '@coop/platform';
import { CorrectionsRepository } from '../src/corrections/corrections.repository';
import { CorrectionsService } from '../src/corrections/corrections.service';
import { completedEvent, ledgerOnFreshDatabase, partsOn } from './ledger-fixtures';

jest.setTimeout(60_000);

/**
 * What the database itself enforces for refunds and corrections (migration 1763900000851),
 * below the API: the limit per account, and one successor per link of an original's chain,
 * with appends from two connection pools (two processes in all but name) at once.
 */
describe('refund limits in the database', () => {
  let ledger: Awaited<ReturnType<typeof ledgerOnFreshDatabase>>;
  let secondDb: DataSource;
  let second: ReturnType<typeof partsOn>;

  beforeAll(async () => {
    ledger = await ledgerOnFreshDatabase();
    secondDb = createDataSource({ url: (ledger.db.options as { url: string }).url });
    await secondDb.initialize();
    second = partsOn(secondDb);
  });
  afterAll(async () => {
    await secondDb.destroy();
    await ledger.close();
  });

  async function postedFare() {
    const event = completedEvent();
    await ledger.handler.handle('trip.completed', event);
    const original = (await ledger.journal.find(`trip:${event.tripId}:completed`))!.tx;
    return { event, original };
  }

  /** A hand-made refund: `amount` to the rider, all of it taken from the driver's line. */
  function rawRefund(original: JournalTransaction, id: string, amount: bigint, after?: string): JournalTransaction {
    const rider = original.postings[0]!.accountId;
    const driver = original.postings.find((p) => p.accountId.startsWith('driver:'))!.accountId;
    return {
      id,
      kind: 'refund',
      postings: [
        { accountId: rider, amount: { amount: -amount, currency: 'CAD' } },
        { accountId: driver, amount: { amount, currency: 'CAD' } },
      ],
      metadata: { reason: 'test', ...(after !== undefined ? { after } : {}) },
      reverses: original.id,
    };
  }

  const constraintOf = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'accepted';
    } catch (e) {
      return (e as { constraint?: string }).constraint ?? String(e);
    }
  };

  it('refuses a refund that takes back more from an account than the original put there, even outside the chain', async () => {
    const { original } = await postedFare();
    const driverShare = -original.postings.find((p) => p.accountId.startsWith('driver:'))!.amount.amount;
    expect(await constraintOf(ledger.journal.append(rawRefund(original, 'raw-over', driverShare + 1n)))).toBe('ledger_reversal_limit');
    expect(await constraintOf(ledger.journal.append(rawRefund(original, 'raw-fits', driverShare - 10n)))).toBe('accepted');
    expect(await constraintOf(ledger.journal.append(rawRefund(original, 'raw-then-over', 11n)))).toBe('ledger_reversal_limit');
    // Adding to a line instead of taking back (a refund with the signs turned) is refused too.
    const wrongWay = rawRefund(original, 'raw-wrong-way', -5n);
    expect(await constraintOf(ledger.journal.append(wrongWay))).toBe('ledger_reversal_limit');
    expect((await ledger.db.query(`SELECT id FROM ledger_transactions WHERE reverses = $1`, [original.id])).map((r: { id: string }) => r.id)).toEqual(['raw-fits']);
  });

  it('two refunds naming the same predecessor from two pools at once: exactly one is kept', async () => {
    const { original } = await postedFare();
    for (let round = 0; round < 5; round++) {
      const after = round === 0 ? '' : `chain-${round - 1}-won`;
      const outcomes = await Promise.all([
        constraintOf(ledger.journal.append(rawRefund(original, `chain-${round}-a`, 10n, after))),
        constraintOf(second.journal.append(rawRefund(original, `chain-${round}-b`, 10n, after))),
      ]);
      expect(outcomes.sort()).toEqual(['accepted', 'ledger_transactions_reversal_chain']);
      // Rename the winner's place for the next round: the next pair names it as predecessor.
      const [winner] = await ledger.db.query(`SELECT id FROM ledger_transactions WHERE id IN ($1, $2)`, [`chain-${round}-a`, `chain-${round}-b`]);
      const next = rawRefund(original, `chain-${round}-won`, 1n, winner.id);
      expect(await constraintOf(ledger.journal.append(next))).toBe('accepted');
    }
  });

  it('many concurrent partial refunds through the service on two pools refund exactly the fare, each share exactly', async () => {
    const { event, original } = await postedFare();
    const services = [ledger, second].map((p) => new CorrectionsService(p.journal, p.postings, new CorrectionsRepository(p === ledger ? ledger.db : secondDb)));
    const fare = original.postings[0]!.amount.amount;
    const tenth = fare / 10n;
    const refund = (i: number, amount?: bigint) =>
      services[i % 2]!
        .refund('treasurer-1', { id: `many-${i}`, tripId: event.tripId, of: 'fare', ...(amount ? { amount: { amount, currency: 'CAD' } } : {}), reason: 'test' })
        .then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));
    // Twelve tenths at once on two pools: exactly ten fit, whatever the order.
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => refund(i, tenth)));
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(results.filter((r) => r !== 'ok')).toEqual(['REFUND_EXCEEDS_CHARGE', 'REFUND_EXCEEDS_CHARGE']);
    // The rest, then nothing more: every account of the fare is back to zero, each share exactly.
    expect(await refund(12)).toBe('ok');
    expect(await refund(13, 1n)).toBe('REFUND_EXCEEDS_CHARGE');
    const sums: Array<{ account_id: string; s: string }> = await ledger.db.query(
      `SELECT p.account_id, sum(p.amount)::text AS s FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
        WHERE t.id = $1 OR t.reverses = $1 GROUP BY p.account_id`,
      [original.id],
    );
    expect(sums.length).toBeGreaterThanOrEqual(3);
    expect(sums.filter((r) => r.s !== '0')).toEqual([]);
    // The chain is one line: every refund names a distinct predecessor.
    const chain: Array<{ after: string }> = await ledger.db.query(`SELECT metadata->>'after' AS after FROM ledger_transactions WHERE reverses = $1`, [original.id]);
    expect(new Set(chain.map((c) => c.after)).size).toBe(chain.length);
    expect(chain.length).toBe(11);
  });
});
