import { Prng, gini, makeCity, makeScenario, percentile, runSimulation } from '@coop/simulation';
import { comparedPolicies } from './policies';

describe('simulator building blocks', () => {
  it('the PRNG is reproducible from its seed and uniform-ish', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.02);
  });

  it('gini is 0 for equal values and (n-1)/n when one holds everything', () => {
    expect(gini([5, 5, 5, 5])).toBeCloseTo(0);
    expect(gini([0, 0, 0, 10])).toBeCloseTo(0.75);
    expect(percentile([3, 1, 2], 50)).toBe(2);
  });
});

describe('simulation', () => {
  const city = makeCity(8);
  const scenario = makeScenario(city, { drivers: 30, hours: 0.25, seed: 7, sizeKm: 8, startLocalHour: 8, utcOffsetMinutes: -300 });
  const options = {
    tickMs: 2000, maxWaitMs: 600_000, retryMs: 10_000, replayEvery: 5, seed: 7,
    fare: { baseMinor: 350, perKmMinor: 120, perMinMinor: 30, driverShareBp: 8500 },
  };

  it('runs every compared policy, serves requests, and every sampled decision replays', () => {
    for (const { policy } of comparedPolicies()) {
      const r = runSimulation(scenario, policy, options, () => undefined);
      expect(r.requests).toBe(scenario.requests.length);
      expect(r.served).toBeGreaterThan(0);
      expect(r.replayed).toBeGreaterThan(0);
      expect(r.replayFailures).toBe(0);
    }
  });

  it('is deterministic for a seed', () => {
    const p = comparedPolicies()[2].policy;
    expect(runSimulation(scenario, p, options, () => undefined)).toEqual(runSimulation(scenario, p, options, () => undefined));
  });
});
