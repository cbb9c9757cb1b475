import { money, postTip, sameContent } from '@coop/money';
import { tippedEntry } from './tip-postings';

describe('trip.tipped -> the tip entry', () => {
  const event = { tripId: 't1', riderId: 'r1', driverId: 'd1', tip: { amount: 300, currency: 'CAD' }, requestedAt: '2026-11-23T10:00:00.000Z' };

  it('is the entry the tip route posted directly before tips were events, so an older tip compares equal', () => {
    const before = postTip({ id: 'trip:t1:tip', tripId: 't1', riderId: 'r1', driverId: 'd1', tip: money(300, 'CAD') });
    expect(sameContent(tippedEntry(event), before)).toBe(true);
  });

  it('does not depend on when or how often the event is delivered', () => {
    expect(tippedEntry({ ...event, requestedAt: '2026-11-24T00:00:00.000Z' })).toEqual(tippedEntry(event));
    expect(tippedEntry(event).postings.map((p) => [p.accountId, p.amount.amount])).toEqual([
      ['rider:r1:receivable', 300n],
      ['driver:d1:tips-payable', -300n],
    ]);
  });
});
