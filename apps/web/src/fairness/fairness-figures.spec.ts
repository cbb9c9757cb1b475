import fc from 'fast-check';
import { FairnessReport, earningsPerHourBands, giniOverTime, histogram, offersPerDriver, previousPeriods } from './fairness-figures';

const driver = (pseudonym: string, offers: number, earningsPerHourMinor: number | null): FairnessReport['drivers'][number] => ({
  pseudonym,
  offers,
  candidacies: offers + 1,
  exclusions: {},
  earnedMinor: 0,
  onlineSeconds: 3600,
  earningsPerHourMinor,
});

const report = (period: string, decisions: number, drivers: FairnessReport['drivers'], extra: Partial<FairnessReport> = {}): FairnessReport => ({
  period,
  decisions,
  drivers,
  offersGini: 0.25,
  earningsPerHourGini: 0.1,
  ...extra,
});

describe('fairness figures for the charts', () => {
  const november = report('2026-11', 9, [driver('m-b', 2, 2450), driver('m-a', 5, null), driver('m-c', 2, 1999), driver('m-d', 0, 4000)]);

  it('ranks offers per driver, most first, ties by pseudonym, at most `top`', () => {
    expect(offersPerDriver(november)).toEqual([
      { label: 'm-a', value: 5 },
      { label: 'm-b', value: 2 },
      { label: 'm-c', value: 2 },
      { label: 'm-d', value: 0 },
    ]);
    expect(offersPerDriver(november, 2).map((b) => b.label)).toEqual(['m-a', 'm-b']);
  });

  it('bands earnings per online hour in $10 steps, empty bands included, drivers without a figure left out', () => {
    expect(earningsPerHourBands(november)).toEqual([
      { label: '$10–$20', value: 1 },
      { label: '$20–$30', value: 1 },
      { label: '$30–$40', value: 0 },
      { label: '$40–$50', value: 1 },
    ]);
    expect(earningsPerHourBands(report('2026-11', 1, [driver('m-a', 1, null)]))).toEqual([]);
  });

  it('counts every value in exactly one band', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 50 }), fc.integer({ min: 1, max: 5000 }), (values, step) => {
        const bands = histogram(values, step);
        expect(bands.reduce((n, b) => n + b.count, 0)).toBe(values.length);
        for (const v of values) expect(bands.filter((b) => b.from <= v && v < b.to)).toHaveLength(1);
      }),
    );
  });

  it('draws Gini over time per period, with gaps (null) where a period had no decisions or no figure', () => {
    const october = report('2026-10', 4, [driver('m-x', 4, 1000)], { offersGini: 0.5, earningsPerHourGini: 0, outcomes: { requested: 4, matched: 4, completed: 3, waitSeconds: null, drivers: [{ pseudonym: 'm-x', trips: 3, completed: 3 }], tripsGini: 0 } });
    const empty = report('2026-09', 0, []);
    expect(giniOverTime([undefined, empty, october, november])).toEqual([
      { name: 'Offers', values: [null, null, 0.5, 0.25] },
      { name: 'Earnings per hour', values: [null, null, 0, 0.1] },
      { name: 'Trips (reported)', values: [null, null, 0, null] },
    ]);
    // A series with no value at all is left out rather than drawn empty.
    expect(giniOverTime([empty, report('2026-10', 2, [driver('m-a', 2, null)])]).map((s) => s.name)).toEqual(['Offers']);
  });

  it('lists the previous periods in the server\'s notation: years, months and ISO weeks', () => {
    expect(previousPeriods('2026-02', 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(previousPeriods('2026', 3)).toEqual(['2024', '2025', '2026']);
    // 2026 starts on a Thursday, so 2025-12-29 is in 2026-W01; 2020 had 53 weeks.
    expect(previousPeriods('2026-W02', 3)).toEqual(['2025-W52', '2026-W01', '2026-W02']);
    expect(previousPeriods('2021-W01', 2)).toEqual(['2020-W53', '2021-W01']);
    expect(previousPeriods('someday', 6)).toEqual(['someday']);
  });
});
