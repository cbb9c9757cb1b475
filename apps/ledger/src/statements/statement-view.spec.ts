import { money, postTip, postTripCancelled, cancellationFee, defaultFarePolicy } from '@coop/money';
import type { AccountTotals, StoredTransaction } from '../journal/ledger.repository';
import { buildStatement, buildTrialBalance, statementCsv } from './statement-view';

const cad = (n: number) => money(n, 'CAD');

function stored(seq: number, tx: StoredTransaction['tx']): StoredTransaction {
  return { seq: BigInt(seq), postedAt: new Date(Date.UTC(2026, 10, 23, 10, seq)), tx };
}

const tip = stored(1, postTip({ id: 'trip:t1:tip', tripId: 't1', riderId: 'r1', driverId: 'd1', tip: cad(300) }));
const fee = stored(
  2,
  postTripCancelled({
    id: 'trip:t2:cancelled',
    tripId: 't2',
    riderId: 'r1',
    driverId: 'd1',
    charge: cancellationFee(defaultFarePolicy, { jobKind: 'ride', vehicleKind: 'car', cancelledBy: 'rider', secondsSinceMatched: 600 }),
    policy: defaultFarePolicy,
    policyHash: 'h',
  })!,
);

/** Totals for a fixture: the net split into one side each, as a single-sided account would have. */
function totals(accountId: string, currency: string, posted: bigint, pending: bigint): AccountTotals {
  const side = (net: bigint) => (net > 0n ? [net, 0n] : [0n, -net]);
  const [debitsPosted, creditsPosted] = side(posted);
  const [debitsPending, creditsPending] = side(pending);
  return { accountId, currency, posted, pending, debitsPosted: debitsPosted!, creditsPosted: creditsPosted!, debitsPending: debitsPending!, creditsPending: creditsPending! };
}

const cadJson = (amount: number) => ({ amount, currency: 'CAD' });

describe('buildStatement', () => {
  const statement = buildStatement({
    memberId: 'd1',
    from: new Date(Date.UTC(2026, 10, 23)),
    to: new Date(Date.UTC(2026, 10, 24)),
    accounts: [
      { accountId: 'driver:d1:payable', currency: 'CAD' },
      { accountId: 'driver:d1:tips-payable', currency: 'CAD' },
    ],
    opening: [{ accountId: 'driver:d1:payable', currency: 'CAD', posted: -1000n, pending: 0n }],
    closing: [
      totals('driver:d1:payable', 'CAD', -1500n, 0n),
      totals('driver:d1:tips-payable', 'CAD', -300n, 0n),
    ],
    entries: [tip, fee],
    truncated: false,
  });

  it("shows only the member's own lines, and no other member's id", () => {
    expect(statement.entries.map((e) => e.lines)).toEqual([
      [{ accountId: 'driver:d1:tips-payable', amount: { amount: -300, currency: 'CAD' } }],
      [{ accountId: 'driver:d1:payable', amount: { amount: -500, currency: 'CAD' } }],
    ]);
    expect(JSON.stringify(statement)).not.toContain('r1');
    expect(statement.entries[1]).toMatchObject({ tripId: 't2', policyHash: 'h', details: { reason: 'charged' } });
  });

  it('opens and closes each account from the balances given, zero where none', () => {
    expect(statement.accounts).toEqual([
      {
        accountId: 'driver:d1:payable', kind: 'driver-payable', normalBalance: 'credit', opening: cadJson(-1000), closing: cadJson(-1500), pendingClosing: cadJson(0),
        totals: { debitsPosted: cadJson(0), creditsPosted: cadJson(1500), debitsPending: cadJson(0), creditsPending: cadJson(0) },
      },
      {
        accountId: 'driver:d1:tips-payable', kind: 'driver-tips-payable', normalBalance: 'credit', opening: cadJson(0), closing: cadJson(-300), pendingClosing: cadJson(0),
        totals: { debitsPosted: cadJson(0), creditsPosted: cadJson(300), debitsPending: cadJson(0), creditsPending: cadJson(0) },
      },
    ]);
  });

  it('exports one CSV row per line (RFC 4180, CRLF)', () => {
    expect(statementCsv(statement).split('\r\n')).toEqual([
      'postedAt,transactionId,kind,tripId,accountId,amount,currency,pending,reverses,reason',
      '2026-11-23T10:01:00.000Z,trip:t1:tip,trip.tip,t1,driver:d1:tips-payable,-300,CAD,false,,',
      '2026-11-23T10:02:00.000Z,trip:t2:cancelled,trip.cancelled,t2,driver:d1:payable,-500,CAD,false,,',
      '',
    ]);
  });
});

describe('a refund on a statement', () => {
  const refund = stored(3, {
    id: 'refund:r-7',
    kind: 'refund',
    postings: [
      { accountId: 'rider:r1:receivable', amount: cad(-200) },
      { accountId: 'driver:d1:payable', amount: cad(200) },
    ],
    metadata: { tripId: 't2', reason: 'driver took a detour, "long" one', requestedBy: 'tr1', after: '', refund: { amount: cadJson(200), charged: cadJson(500), refundedBefore: cadJson(0), refundedAfter: cadJson(200) } },
    reverses: 'trip:t2:cancelled',
  });
  const statement = buildStatement({
    memberId: 'd1', from: new Date(0), to: new Date(Date.UTC(2026, 10, 24)),
    accounts: [{ accountId: 'driver:d1:payable', currency: 'CAD' }],
    opening: [], closing: [totals('driver:d1:payable', 'CAD', -300n, 0n)], entries: [fee, refund], truncated: false,
  });

  it('names what it reverses, why, and how much of the charge is refunded; not who asked or the rider', () => {
    expect(statement.entries[1]).toEqual({
      transactionId: 'refund:r-7', kind: 'refund', postedAt: '2026-11-23T10:03:00.000Z', tripId: 't2', reverses: 'trip:t2:cancelled',
      lines: [{ accountId: 'driver:d1:payable', amount: cadJson(200) }],
      details: { reason: 'driver took a detour, "long" one', refund: { amount: cadJson(200), charged: cadJson(500), refundedBefore: cadJson(0), refundedAfter: cadJson(200) } },
    });
    expect(JSON.stringify(statement)).not.toMatch(/tr1|r1:/);
    expect(statementCsv(statement).split('\r\n')[2]).toBe(
      '2026-11-23T10:03:00.000Z,refund:r-7,refund,t2,driver:d1:payable,200,CAD,false,trip:t2:cancelled,"driver took a detour, ""long"" one"',
    );
  });
});

describe('buildTrialBalance', () => {
  it('totals each currency and says whether it balances', () => {
    const tb = buildTrialBalance(
      [
        totals('coop:commission', 'CAD', -50n, 0n),
        totals('rider:r1:receivable', 'CAD', 550n, -100n),
        totals('driver:d1:payable', 'CAD', -500n, 0n),
        totals('payments:clearing', 'CAD', 0n, 100n),
        totals('rider:r2:receivable', 'USD', 7n, 0n),
      ],
      new Date(0),
    );
    expect(tb.totals).toEqual([
      { currency: 'CAD', posted: { amount: 0, currency: 'CAD' }, pending: { amount: 0, currency: 'CAD' }, balanced: true },
      { currency: 'USD', posted: { amount: 7, currency: 'USD' }, pending: { amount: 0, currency: 'USD' }, balanced: false },
    ]);
    expect(tb.accounts[0]).toEqual({
      accountId: 'coop:commission', kind: 'coop-commission', normalBalance: 'credit', posted: cadJson(-50), pending: cadJson(0),
      totals: { debitsPosted: cadJson(0), creditsPosted: cadJson(50), debitsPending: cadJson(0), creditsPending: cadJson(0) },
    });
    expect(tb.accounts[1]!.totals).toEqual({ debitsPosted: cadJson(550), creditsPosted: cadJson(0), debitsPending: cadJson(0), creditsPending: cadJson(100) });
  });
});
