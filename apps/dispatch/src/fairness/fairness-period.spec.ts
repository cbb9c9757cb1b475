import fc from 'fast-check';
import { fairnessPeriodStart } from './fairness-period';

describe('fairnessPeriodStart', () => {
  it('is Monday 00:00 UTC of the same ISO week', () => {
    expect(new Date(fairnessPeriodStart(Date.parse('2026-11-23T13:00:00Z'))).toISOString()).toBe('2026-11-23T00:00:00.000Z'); // a Monday
    expect(new Date(fairnessPeriodStart(Date.parse('2026-11-29T23:59:59Z'))).toISOString()).toBe('2026-11-23T00:00:00.000Z'); // Sunday
    expect(new Date(fairnessPeriodStart(Date.parse('2026-11-30T00:00:00Z'))).toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('is a Monday midnight no later than now and less than a week before it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }), (now) => {
        const start = fairnessPeriodStart(now);
        expect(new Date(start).getUTCDay()).toBe(1);
        expect(start % 86_400_000).toBe(0);
        expect(start).toBeLessThanOrEqual(now);
        expect(now - start).toBeLessThan(7 * 86_400_000);
      }),
    );
  });
});
