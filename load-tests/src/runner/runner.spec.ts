import { join } from 'node:path';
import { LatencyRecorder } from './latency';
import { RunMetrics } from './run-metrics';
import { loadScenarios, scenariosPath, validScenario } from './scenario';
import { arrivalOffsetsMs, dueRange, runSchedule } from './schedule';
import { TripTracker } from './trip-tracker';

describe('open-model schedule', () => {
  it('spaces arrivals evenly at the rate, whatever the system does', () => {
    expect(arrivalOffsetsMs(4, 1000)).toEqual([0, 250, 500, 750]);
    expect(arrivalOffsetsMs(50, 300_000)).toHaveLength(15_000);
    expect(arrivalOffsetsMs(0, 1000)).toEqual([]);
    expect(arrivalOffsetsMs(3, 0)).toEqual([]);
  });

  it('releases every arrival that is due, all at once when the loop was late', () => {
    const offsets = [0, 100, 200, 300];
    expect(dueRange(offsets, 0, 0)).toEqual({ from: 0, to: 1 });
    expect(dueRange(offsets, 1, 250)).toEqual({ from: 1, to: 3 });
    expect(dueRange(offsets, 3, 10_000)).toEqual({ from: 3, to: 4 });
    expect(dueRange(offsets, 4, 10_000)).toEqual({ from: 4, to: 4 });
  });

  it('passes each arrival its intended time, not the time it fired', async () => {
    const start = Date.now() + 20;
    const fired: Array<[number, number]> = [];
    await runSchedule([0, 30, 60], start, (intended, i) => fired.push([intended, i]));
    expect(fired).toEqual([
      [start, 0],
      [start + 30, 1],
      [start + 60, 2],
    ]);
  });
});

describe('latency recorder', () => {
  it('reports percentiles in ms within HDR precision (3 significant digits)', () => {
    const r = new LatencyRecorder();
    for (let ms = 1; ms <= 1000; ms++) r.record(ms);
    const s = r.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -0.5);
    expect(s.p95).toBeCloseTo(950, -0.5);
    expect(s.p99).toBeCloseTo(990, -0.5);
    expect(s.max).toBeCloseTo(1000, -0.5);
    expect(Math.abs(s.mean - 500.5)).toBeLessThan(1);
  });

  it('keeps sub-millisecond resolution and clamps a negative value to zero', () => {
    const r = new LatencyRecorder();
    r.record(0.25);
    r.record(-3);
    expect(r.summary()).toMatchObject({ count: 2, max: 0.25 });
    expect(new LatencyRecorder().summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });
});

describe('trip tracker', () => {
  it('times request-to-offer and accept-to-rider whichever end arrives first', () => {
    const metrics = new RunMetrics();
    const tracker = new TripTracker(metrics);
    tracker.offerReceived('t1', 1_050); // the offer beat the rider's HTTP answer
    tracker.requested('t1', 1_000);
    tracker.requested('t2', 2_000);
    tracker.offerReceived('t2', 2_030);
    tracker.offerReceived('t2', 9_000); // a second offer after a decline is not the first one
    tracker.acceptSent('t1', 1_200);
    tracker.riderUpdate('t1', 'matched', 1_210);
    expect(metrics.requestToOffer.summary()).toMatchObject({ count: 2, max: 50 });
    expect(metrics.acceptToRider.summary()).toMatchObject({ count: 1, max: 10 });
    expect(tracker.requestedTrips().find((t) => t.tripId === 't2')?.offersSeen).toBe(2);
  });

  it('counts a trip open until its rider hears an end, and ignores trips it did not request', () => {
    const tracker = new TripTracker(new RunMetrics());
    tracker.requested('a', 0);
    tracker.requested('b', 0);
    tracker.offerReceived('from-an-earlier-run', 5);
    tracker.riderUpdate('a', 'completed', 10);
    tracker.riderUpdate('a', 'matched', 11); // a late push does not reopen it
    expect(tracker.openCount()).toBe(1);
    expect(tracker.requestedTrips().map((t) => t.tripId)).toEqual(['a', 'b']);
  });
});

describe('scenarios.json', () => {
  it('holds a smoke scenario of a few seconds and only valid scenarios', () => {
    const scenarios = loadScenarios();
    expect(scenariosPath()).toBe(join(__dirname, '..', '..', 'scenarios.json'));
    expect(scenarios.smoke.durationSeconds).toBeLessThanOrEqual(10);
    expect(Object.keys(scenarios)).toEqual(expect.arrayContaining(['smoke', 'city', 'friday']));
  });

  it('refuses a scenario with a bad number, naming it', () => {
    const smoke = loadScenarios().smoke;
    expect(() => validScenario({ ...smoke, requestsPerSecond: 0 })).toThrow('requestsPerSecond');
    expect(() => validScenario({ ...smoke, thinkTimeMs: [500, 100] })).toThrow('thinkTimeMs');
  });
});
