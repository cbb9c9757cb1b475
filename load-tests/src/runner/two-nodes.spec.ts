import fc from 'fast-check';
import { nodeOrder } from './fleet';
import { RunReport } from './report';
import { RunMetrics } from './run-metrics';
import { loadScenarios } from './scenario';
import { judgeStep, searchSustainableRate, stepScenario } from './search';
import { TripTracker } from './trip-tracker';

const A = 'http://127.0.0.1:3401';
const B = 'http://127.0.0.1:3402';

describe('members spread over nodes', () => {
  it('tries its own node first, then the others in turn', () => {
    expect(nodeOrder([A, B], 0)).toEqual([A, B]);
    expect(nodeOrder([A, B], 1)).toEqual([B, A]);
    expect(nodeOrder(['a', 'b', 'c'], 2)).toEqual(['c', 'a', 'b']);
  });

  it('lists every node exactly once, whatever the home', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 6 }), fc.nat(), (urls, home) => {
        const order = nodeOrder(urls, home % urls.length);
        expect([...order].sort()).toEqual([...urls].sort());
        expect(order[0]).toBe(urls[home % urls.length]);
      }),
    );
  });
});

describe('per-node counts', () => {
  it('counts a match as cross-node when the driver accepted on another node than the rider asked on', () => {
    const tracker = new TripTracker(new RunMetrics());
    tracker.requested('t1', 0, A);
    tracker.offerReceived('t1', 10, B);
    tracker.acceptedOn('t1', B);
    tracker.requested('t2', 0, B);
    tracker.offerReceived('t2', 10, B);
    tracker.acceptedOn('t2', B);
    tracker.requested('t3', 0, A); // no offer yet
    expect(tracker.byNode([A, B])).toEqual([
      { node: A, requests: 2, firstOffers: 0, matched: 0, crossNodeMatches: 1 },
      { node: B, requests: 1, firstOffers: 2, matched: 2, crossNodeMatches: 0 },
    ]);
  });
});

/** A report with the fields the search reads; the rest of a run's report does not matter here. */
function report(rate: number, p99: number, extra: Partial<RunReport['counts']> = {}): RunReport {
  const counts = { errors: 0, requestsWithoutOffer: 0, offersLost: 0, stuck: 0, arrivalsWithoutFreeRider: 0, achievedRatePerSecond: rate, ...extra };
  return { scenario: { requestsPerSecond: rate }, counts, latencyMs: { requestToOffer: { p50: p99 / 2, p95: p99, p99 } } } as unknown as RunReport;
}

describe('sustainable-rate search', () => {
  const limits = { requestToOfferP99Ms: 100, minAchievedShare: 0.95 };

  it('holds a step only under the p99 mark, with no error, nothing lost or stuck, and the rate achieved', () => {
    expect(judgeStep(report(10, 90), limits)).toEqual({ held: true, reasons: [] });
    expect(judgeStep(report(10, 101), limits).reasons).toEqual(['request-to-offer p99 101 ms > 100 ms']);
    expect(judgeStep(report(10, 50, { errors: 2, stuck: 1 }), limits).reasons).toEqual(['2 errors', '1 trips stuck']);
    expect(judgeStep(report(10, 50, { achievedRatePerSecond: 9 }), limits).held).toBe(false);
  });

  it('steps up until a rate misses, and answers the last one that held', async () => {
    const p99ByRate: Record<number, number> = { 5: 40, 10: 60, 20: 140, 40: 300 };
    const ran: number[] = [];
    const result = await searchSustainableRate(
      loadScenarios().city,
      { rates: [5, 10, 20, 40], stepSeconds: 10, budgetMs: 60_000, limits },
      async (s) => {
        ran.push(s.requestsPerSecond);
        return report(s.requestsPerSecond, p99ByRate[s.requestsPerSecond]);
      },
      () => undefined,
    );
    expect(ran).toEqual([5, 10, 20]);
    expect(result.highestHeld).toBe(10);
    expect(result.stoppedBy).toBe('20/s did not hold');
  });

  it('grows the rider pool with the rate, so the generator does not run short of riders', () => {
    const city = loadScenarios().city;
    const step = stepScenario(city, city.requestsPerSecond * 4, 20);
    expect(step.riders).toBe(city.riders * 4);
    expect(step.durationSeconds).toBe(20);
    expect(stepScenario(city, 1, 20).riders).toBe(city.riders);
  });
});
