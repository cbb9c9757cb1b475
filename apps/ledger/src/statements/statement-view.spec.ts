import { money, postTip, postTripCancelled, cancellationFee, defaultFarePolicy } from '@coop/money';
import type { StoredTransaction } from '../journal/ledger.repository';
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
      { accountId: 'driver:d1:payable', currency: 'CAD', posted: -1500n, pending: 0n },
      { accountId: 'driver:d1:tips-payable', currency: 'CAD', posted: -300n, pending: 0n },
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
      { accountId: 'driver:d1:payable', kind: 'driver-payable', normalBalance: 'credit', opening: { amount: -1000, currency: 'CAD' }, closing: { amount: -1500, currency: 'CAD' }, pendingClosing: { amount: 0, currency: 'CAD' } },
      { accountId: 'driver:d1:tips-payable', kind: 'driver-tips-payable', normalBalance: 'credit', opening: { amount: 0, currency: 'CAD' }, closing: { amount: -300, currency: 'CAD' }, pendingClosing: { amount: 0, currency: 'CAD' } },
    ]);
  });

  it('exports one CSV row per line (RFC 4180, CRLF)', () => {
    expect(statementCsv(statement).split('\r\n')).toEqual([
      'postedAt,transactionId,kind,tripId,accountId,amount,currency,pending',
      '2026-11-23T10:01:00.000Z,trip:t1:tip,trip.tip,t1,driver:d1:tips-payable,-300,CAD,false',
      '2026-11-23T10:02:00.000Z,trip:t2:cancelled,trip.cancelled,t2,driver:d1:payable,-500,CAD,false',
      '',
    ]);
  });
});

describe('buildTrialBalance', () => {
  it('totals each currency and says whether it balances', () => {
    const tb = buildTrialBalance(
      [
        { accountId: 'coop:commission', currency: 'CAD', posted: -50n, pending: 0n },
        { accountId: 'rider:r1:receivable', currency: 'CAD', posted: 550n, pending: -100n },
        { accountId: 'driver:d1:payable', currency: 'CAD', posted: -500n, pending: 0n },
        { accountId: 'payments:clearing', currency: 'CAD', posted: 0n, pending: 100n },
        { accountId: 'rider:r2:receivable', currency: 'USD', posted: 7n, pending: 0n },
      ],
      new Date(0),
    );
    expect(tb.totals).toEqual([
      { currency: 'CAD', posted: { amount: 0, currency: 'CAD' }, pending: { amount: 0, currency: 'CAD' }, balanced: true },
      { currency: 'USD', posted: { amount: 7, currency: 'USD' }, pending: { amount: 0, currency: 'USD' }, balanced: false },
    ]);
    expect(tb.accounts[0]).toEqual({ accountId: 'coop:commission', kind: 'coop-commission', normalBalance: 'credit', posted: { amount: -50, currency: 'CAD' }, pending: { amount: 0, currency: 'CAD' } });
  });
});
