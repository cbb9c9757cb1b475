import { hold, money, postPending, postTip } from '@coop/money';
import { BalanceReplay } from './reconcile';

const cad = (n: number) => money(n, 'CAD');

describe('BalanceReplay', () => {
  const held = hold({ id: 'h1', tripId: 't', riderId: 'r1', amount: cad(900) });
  const txs = [postTip({ id: 'tip1', tripId: 't', riderId: 'r1', driverId: 'd1', tip: cad(300) }), held, postPending(held, 'h1:capture', cad(800))];

  it('agrees with sums that match, page by page, and totals to zero per currency', () => {
    const replay = new BalanceReplay();
    replay.add(txs.slice(0, 1));
    replay.add(txs.slice(1));
    const report = replay.compare([
      { accountId: 'driver:d1:tips-payable', currency: 'CAD', posted: -300n, pending: 0n },
      { accountId: 'payments:clearing', currency: 'CAD', posted: 800n, pending: 0n },
      { accountId: 'rider:r1:receivable', currency: 'CAD', posted: -500n, pending: 0n },
    ]);
    expect(report).toEqual({ transactions: 3, accounts: 3, differences: [], invalidEntries: [], totals: [{ currency: 'CAD', posted: '0', pending: '0' }] });
  });

  it('reports an account whose summed balance differs, and one the sums do not know', () => {
    const replay = new BalanceReplay();
    replay.add(txs);
    const report = replay.compare([
      { accountId: 'driver:d1:tips-payable', currency: 'CAD', posted: -301n, pending: 0n },
      { accountId: 'rider:r1:receivable', currency: 'CAD', posted: -500n, pending: 0n },
    ]);
    expect(report.differences).toEqual([
      { accountId: 'driver:d1:tips-payable', currency: 'CAD', summed: { posted: '-301', pending: '0' }, replayed: { posted: '-300', pending: '0' } },
      { accountId: 'payments:clearing', currency: 'CAD', summed: { posted: '0', pending: '0' }, replayed: { posted: '800', pending: '0' } },
    ]);
  });

  it('lists entries that break the journal rules', () => {
    const replay = new BalanceReplay();
    const broken = { ...txs[0]!, postings: [txs[0]!.postings[0]!, { ...txs[0]!.postings[1]!, amount: cad(-299) }] };
    replay.add([broken]);
    expect(replay.compare([]).invalidEntries).toEqual([{ id: 'tip1', code: 'LEDGER.UNBALANCED', message: expect.stringContaining('does not balance') }]);
  });
});
