import fc from 'fast-check';
import { VehicleKind } from '@coop/geo';
import { decideBatch } from './decide-batch';
import { decideImmediate } from './decide-immediate';
import { DecisionRecord, ImmediateDecisionRecord } from './decision-record';
import { MatchingPolicy } from './matching-policy';
import { replay, replayMatches, sortedJson } from './replay';
import { TERM_NAMES } from './scoring';
import { SupplyIndex } from './supply-index';
import { NOW, PICKUP, carDriver, isPlainJson, policyWith, rideRequest } from './test-fixtures';

const REF = { version: '7', hash: 'f'.repeat(64) };
const FAIR = { medianEarningsPerHourMinor: 10_000 };

function decide(idx: SupplyIndex, policy: MatchingPolicy, over = {}): ImmediateDecisionRecord {
  return decideImmediate({ request: rideRequest(over), supply: idx, nowMs: NOW, policy, policyRef: REF, fairness: FAIR });
}

describe('decideImmediate', () => {
  it('picks the best score and records every candidate, exclusion, term and the policy', () => {
    const policy = policyWith();
    const idx = new SupplyIndex(policy);
    idx.upsert(carDriver('near', 100));
    idx.upsert(carDriver('far', 2000));
    idx.upsert(carDriver('busy', 50, { status: 'on_trip' }));
    const rec = decide(idx, policy);
    expect(rec.choice.driverId).toBe('near');
    expect(rec.candidates.map((c) => c.driverId)).toEqual(['near', 'far']);
    expect(rec.exclusions).toEqual([{ driverId: 'busy', reason: 'on_trip' }]);
    expect(Object.keys(rec.candidates[0].terms)).toEqual([...TERM_NAMES]);
    expect(rec.policy).toEqual({ ...REF, matching: policy });
    expect(rec.drivers.map((d) => d.driverId)).toEqual(['busy', 'far', 'near']);
    expect(isPlainJson(rec)).toBe(true);
  });

  it('chooses nobody when no driver is eligible', () => {
    const idx = new SupplyIndex(policyWith());
    idx.upsert(carDriver('busy', 50, { status: 'offered' }));
    expect(decide(idx, policyWith()).choice).toEqual({ driverId: null, score: null });
  });

  it('lets the fairness term favour a driver below the median over a slightly nearer one', () => {
    const policy = policyWith();
    const idx = new SupplyIndex(policy);
    idx.upsert(carDriver('rich', 100, { earnedMinor: 60_000, onlineSeconds: 3 * 3600 }));
    idx.upsert(carDriver('poor', 300, { earnedMinor: 6000, onlineSeconds: 3 * 3600 }));
    expect(decide(idx, policy).choice.driverId).toBe('poor');
    expect(decide(idx, policyWith({ weights: { ...policy.weights, fairness: 0 } })).choice.driverId).toBe('rich');
  });

  it('breaks score ties by ETA, then distance, then driver id', () => {
    const policy = policyWith({ weights: { pickupEta: 0, idle: 1, fairness: 0, fixFreshness: 0, vehicleFit: 0 } });
    const idx = new SupplyIndex(policy);
    idx.upsert(carDriver('b', 100));
    idx.upsert(carDriver('a', 100));
    idx.upsert(carDriver('c', 500));
    const rec = decide(idx, policy);
    expect(new Set(rec.candidates.map((c) => c.score)).size).toBe(1);
    expect(rec.candidates.map((c) => c.driverId)).toEqual(['a', 'b', 'c']);
    idx.upsert(carDriver('a', 101)); // same ETA second, one metre further
    expect(decide(idx, policy).candidates.map((c) => c.driverId)).toEqual(['b', 'a', 'c']);
  });

  it('uses router ETAs where given and records them', () => {
    const policy = policyWith();
    const idx = new SupplyIndex(policy);
    idx.upsert(carDriver('x', 100));
    idx.upsert(carDriver('y', 400));
    const search = idx.search(rideRequest(), NOW);
    const rec = decideImmediate({ request: rideRequest(), supply: search, nowMs: NOW, policy, policyRef: REF, fairness: FAIR, routedEtas: [{ driverId: 'x', etaSeconds: 900 }] });
    expect(rec.choice.driverId).toBe('y');
    expect(rec.candidates.find((c) => c.driverId === 'x')!.features).toMatchObject({ etaSeconds: 900, etaSource: 'router' });
    expect(replayMatches(rec)).toBe(true);
  });

  it('changes the policy section of the record when any weight changes', () => {
    const base = policyWith();
    const idx = new SupplyIndex(base);
    idx.upsert(carDriver('a', 100));
    const before = sortedJson(decide(idx, base).policy);
    for (const t of TERM_NAMES) {
      const changed = policyWith({ weights: { ...base.weights, [t]: base.weights[t] + 1 } });
      expect(sortedJson(decide(idx, changed).policy)).not.toBe(before);
    }
  });
});

const kinds: VehicleKind[] = ['bike', 'cargo_bike', 'car', 'van'];
const driverArb = fc.record({
  dLat: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
  dLng: fc.double({ min: -0.04, max: 0.04, noNaN: true }),
  kind: fc.constantFrom(...kinds),
  seats: fc.integer({ min: 0, max: 7 }),
  accessible: fc.boolean(),
  status: fc.constantFrom('free', 'free', 'free', 'offered', 'on_trip' as const),
  fixAgeMs: fc.integer({ min: 0, max: 90_000 }),
  idleMs: fc.integer({ min: 0, max: 7_200_000 }),
  earnedMinor: fc.integer({ min: 0, max: 100_000 }),
  onlineSeconds: fc.integer({ min: 0, max: 36_000 }),
});
type DriverArb = typeof driverArb extends fc.Arbitrary<infer T> ? T : never;
const weightsArb = fc.record({
  pickupEta: fc.integer({ min: 0, max: 1000 }), idle: fc.integer({ min: 0, max: 1000 }), fairness: fc.integer({ min: 0, max: 1000 }),
  fixFreshness: fc.integer({ min: 0, max: 1000 }), vehicleFit: fc.integer({ min: 1, max: 1000 }),
});
const requestArb = fc.record({
  kind: fc.constantFrom('ride' as const, 'delivery' as const),
  seats: fc.integer({ min: 0, max: 5 }),
  accessible: fc.boolean(),
  dLat: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
  hour: fc.integer({ min: 0, max: 23 }),
});

function build(drivers: DriverArb[], weights: MatchingPolicy['weights'], count: number, nowMs: number) {
  const policy = policyWith({ weights, candidateCount: count, maxRingRadius: 8 });
  const idx = new SupplyIndex(policy);
  drivers.forEach((d, i) =>
    idx.upsert({
      driverId: `drv-${i}`,
      vehicle: { kind: d.kind, seats: d.seats, accessible: d.accessible },
      position: { lat: PICKUP.lat + d.dLat, lng: PICKUP.lng + d.dLng },
      fixAtMs: nowMs - d.fixAgeMs,
      status: d.status,
      idleSinceMs: nowMs - d.idleMs,
      earnedMinor: d.earnedMinor,
      onlineSeconds: d.onlineSeconds,
    }),
  );
  return { policy, idx };
}

function expectReplays(rec: DecisionRecord): void {
  expect(isPlainJson(rec)).toBe(true);
  const again = replay(JSON.parse(JSON.stringify(rec)));
  expect(sortedJson(again)).toBe(sortedJson(rec));
  expect(replayMatches(rec)).toBe(true);
}

describe('replay', () => {
  it('reproduces random immediate decisions exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(driverArb, { maxLength: 60 }), weightsArb, fc.integer({ min: 1, max: 20 }), requestArb, (drivers, weights, count, r) => {
        const nowMs = Date.UTC(2026, 10, 23, r.hour, 17, 3, 250);
        const { policy, idx } = build(drivers, weights, count, nowMs);
        const rec = decideImmediate({
          request: rideRequest({ kind: r.kind, seats: r.seats, accessible: r.accessible, pickup: { lat: PICKUP.lat + r.dLat, lng: PICKUP.lng } }),
          supply: idx, nowMs, policy, policyRef: REF, fairness: FAIR,
        });
        expectReplays(rec);
      }),
      { numRuns: 200 },
    );
  });

  it('reproduces random batch decisions exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(driverArb, { maxLength: 60 }), weightsArb, fc.array(requestArb, { minLength: 1, maxLength: 8 }), (drivers, weights, reqs) => {
        const nowMs = Date.UTC(2026, 10, 23, reqs[0].hour, 5);
        const { policy, idx } = build(drivers, weights, 6, nowMs);
        const rec = decideBatch({
          requests: reqs.map((r, k) => rideRequest({ requestId: `t${k}`, kind: r.kind, seats: r.seats, accessible: r.accessible, pickup: { lat: PICKUP.lat + r.dLat, lng: PICKUP.lng - r.dLat } })),
          supply: idx, nowMs, policy, policyRef: REF, fairness: FAIR,
        });
        expectReplays(rec);
        const assigned = rec.assignment.map((a) => a.driverId).filter((d) => d !== null);
        expect(new Set(assigned).size).toBe(assigned.length);
      }),
      { numRuns: 100 },
    );
  });

  it('detects a tampered record', () => {
    const policy = policyWith();
    const idx = new SupplyIndex(policy);
    idx.upsert(carDriver('a', 100));
    idx.upsert(carDriver('b', 200));
    const rec = decide(idx, policy);
    const forged = JSON.parse(JSON.stringify(rec)) as ImmediateDecisionRecord;
    forged.choice.driverId = 'b';
    expect(replayMatches(forged)).toBe(false);
    const moved = JSON.parse(JSON.stringify(rec)) as ImmediateDecisionRecord;
    moved.drivers[1].position.latE6 += 5000;
    expect(replayMatches(moved)).toBe(false);
  });
});

describe('decideBatch', () => {
  it('finds the assignment with the least total cost where greedy would not', () => {
    // r1 (requested first) and r2 both have "x" nearest; only the batch gives each a driver well.
    const policy = policyWith({ weights: { pickupEta: 100, idle: 0, fairness: 0, fixFreshness: 0, vehicleFit: 0 } });
    const idx = new SupplyIndex(policy);
    idx.upsert(carDriver('x', 0));
    idx.upsert(carDriver('y', -2500));
    const north = { lat: PICKUP.lat + 1200 / 111_195, lng: PICKUP.lng };
    const rec = decideBatch({
      requests: [rideRequest({ requestId: 'r1', pickup: north }), rideRequest({ requestId: 'r2' })],
      supply: idx, nowMs: NOW, policy, policyRef: REF, fairness: FAIR,
    });
    expect(rec.assignment).toEqual([
      { requestId: 'r1', driverId: 'x', score: expect.any(Number) },
      { requestId: 'r2', driverId: 'y', score: expect.any(Number) },
    ]);
    expect(rec.assignedCount).toBe(2);
    expect(rec.totalCost).toBe(rec.requests.reduce((s, e, k) => s + (100 * 10_000 - rec.assignment[k].score!), 0));
  });

  it('leaves a request unassigned when it has no candidate and never gives a driver two jobs', () => {
    const policy = policyWith();
    const idx = new SupplyIndex(policy);
    idx.upsert(carDriver('only', 0));
    const rec = decideBatch({
      requests: [rideRequest({ requestId: 'b' }), rideRequest({ requestId: 'a' }), rideRequest({ requestId: 'c', accessible: true })],
      supply: idx, nowMs: NOW, policy, policyRef: REF, fairness: FAIR,
    });
    expect(rec.requests.map((r) => r.request.requestId)).toEqual(['a', 'b', 'c']);
    expect(rec.assignment.filter((a) => a.driverId === 'only')).toHaveLength(1);
    expect(rec.assignment[0].driverId).toBe('only'); // equal costs: the lower request id in row order wins
    expect(rec.assignment[2]).toEqual({ requestId: 'c', driverId: null, score: null });
  });
});
