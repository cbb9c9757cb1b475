import { fairnessReport, gini, tripOutcomes } from './fairness';
import { periodBounds, periodOf } from './privacy/pseudonym';

const decision = (period: string, chosen: string, candidates: string[], drivers: Array<[string, number, number]>, excluded: Array<[string, string]> = []) => ({
  kind: 'dispatch_decision',
  privacy: { period },
  record: {
    choice: { driverId: chosen, score: 1 },
    candidates: candidates.map((driverId) => ({ driverId })),
    exclusions: excluded.map(([driverId, reason]) => ({ driverId, reason })),
    drivers: drivers.map(([driverId, earnedMinor, onlineSeconds]) => ({ driverId, earnedMinor, onlineSeconds })),
  },
});

describe('fairness from public leaves', () => {
  it('gini: 0 for equal shares, (n-1)/n when one holds everything', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 12])).toBeCloseTo(0.75, 12);
    expect(gini([])).toBe(0);
  });

  it('counts offers, candidacies and exclusions per pseudonym and period, with the latest earnings', () => {
    const report = fairnessReport([
      decision('2026-11', 'm-a', ['m-a', 'm-b'], [['m-a', 1000, 3600], ['m-b', 0, 3600]], [['m-c', 'busy']]),
      decision('2026-11', 'm-a', ['m-a'], [['m-a', 3000, 7200]], [['m-b', 'offered_already']]),
      { kind: 'policy_activation', record: {} },
      decision('2026-12', 'm-b', ['m-b'], [['m-b', 500, 1800]]),
      { kind: 'dispatch_decision', leafWithoutRecord: true },
    ]);
    expect(report.map((p) => [p.period, p.decisions])).toEqual([['2026-11', 2], ['2026-12', 1]]);
    const nov = report[0];
    expect(nov.drivers).toEqual([
      { pseudonym: 'm-a', offers: 2, candidacies: 2, exclusions: {}, earnedMinor: 3000, onlineSeconds: 7200, earningsPerHourMinor: 1500 },
      { pseudonym: 'm-b', offers: 0, candidacies: 1, exclusions: { offered_already: 1 }, earnedMinor: 0, onlineSeconds: 3600, earningsPerHourMinor: 0 },
      { pseudonym: 'm-c', offers: 0, candidacies: 0, exclusions: { busy: 1 }, earnedMinor: 0, onlineSeconds: 0, earningsPerHourMinor: null },
    ]);
    expect(nov.offersGini).toBeCloseTo(2 / 3, 12);
    expect(nov.earningsPerHourGini).toBeCloseTo(0.5, 12);
  });
});

describe('trip outcomes of a period', () => {
  it('sorts drivers by trips and counts a driver seen in decisions with no trip as 0 in the Gini', () => {
    const out = tripOutcomes(
      { requested: 5, matched: 4, completed: 3, waitSeconds: { median: 12, p90: 30, max: 31 }, perDriver: [{ pseudonym: 'm-b', trips: 1, completed: 1 }, { pseudonym: 'm-a', trips: 3, completed: 2 }] },
      ['m-a', 'm-b', 'm-c'],
    );
    expect(out.drivers.map((d) => d.pseudonym)).toEqual(['m-a', 'm-b']);
    expect(out.tripsGini).toBeCloseTo(gini([3, 1, 0]), 12);
    expect(out).toMatchObject({ source: 'trips table', requested: 5, matched: 4, completed: 3 });
  });

  it('periodBounds is the inverse of periodOf for every rotation, across year ends and ISO week 53', () => {
    const day = 86_400_000;
    const wrong: string[] = [];
    for (const rotation of ['weekly', 'monthly', 'yearly'] as const) {
      for (let t = Date.UTC(2019, 11, 20); t < Date.UTC(2027, 1, 10); t += day / 3 + 1234) {
        const period = periodOf(t, rotation);
        const { startMs, endMs } = periodBounds(period);
        const ok = startMs <= t && t < endMs && periodOf(startMs, rotation) === period && periodOf(endMs - 1, rotation) === period && periodOf(endMs, rotation) !== period;
        if (!ok) wrong.push(`${rotation} ${new Date(t).toISOString()} ${period}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(periodBounds('2026-W01').startMs).toBe(Date.UTC(2025, 11, 29));
    expect(() => periodBounds('2026-13')).toThrow(RangeError);
    expect(() => periodBounds('2026-W54')).toThrow(RangeError);
  });
});
