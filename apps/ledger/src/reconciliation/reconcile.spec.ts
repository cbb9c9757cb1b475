import { hold, money, postPending, postTip, voidPending } from '@coop/money';
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

  it('re-checks the two-phase rules: one resolution per hold, releasing exactly its lines, posting at most the held amount', () => {
    const replay = new BalanceReplay();
    const other = hold({ id: 'h2', tripId: 't2', riderId: 'r1', amount: cad(500) });
    const overCapture = { ...postPending(other, 'h2:capture', cad(500)), id: 'h2:over' };
    overCapture.postings = overCapture.postings.map((p) => (p.pending === true ? p : { ...p, amount: cad(p.amount.amount > 0n ? 600 : -600) }));
    const wrongRelease = { ...voidPending(held, 'h1:void'), postings: voidPending(other, 'x').postings };
    replay.add([...txs, postPending(held, 'h1:again', cad(100)), other, overCapture, wrongRelease, voidPending(hold({ id: 'h3', tripId: 't3', riderId: 'r1', amount: cad(1) }), 'h3:void')]);
    expect(replay.compare([]).invalidEntries.map((e) => [e.id, e.code, e.message])).toEqual([
      ['h1:again', 'LEDGER.INVALID_PENDING', 'h1:again resolves h1 a second time'],
      ['h2:over', 'LEDGER.INVALID_PENDING', 'h2:over posts 600, more than the 500 held'],
      ['h1:void', 'LEDGER.INVALID_PENDING', 'h1:void resolves h1 a second time'],
      ['h3:void', 'LEDGER.INVALID_PENDING', 'h3:void resolves h3, which is not an earlier hold'],
    ]);
    const clean = new BalanceReplay();
    clean.add(txs);
    expect(clean.compare([]).invalidEntries).toEqual([]);
    const mismatched = new BalanceReplay();
    mismatched.add([held, other, { ...voidPending(held, 'h1:void'), postings: voidPending(other, 'x').postings }]);
    expect(mismatched.compare([]).invalidEntries.map((e) => e.message)).toEqual(['h1:void does not release exactly the lines of h1']);
  });
});
