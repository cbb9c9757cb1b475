import fc from 'fast-check';
import { PolicyDocument, defaultPolicy } from '@coop/policy';
import { SimResult } from './engine';
import { compareProposal, figureDifferences, policyFigures, simulatedPolicy } from './policy-comparison';

const copy = (d: PolicyDocument): PolicyDocument => JSON.parse(JSON.stringify(d));

describe('compareProposal', () => {
  const moreFairness = copy(defaultPolicy);
  moreFairness.matching.weights.fairness += 10;

  it('is deterministic: the same two documents give the same report', () => {
    const a = compareProposal(defaultPolicy, moreFairness);
    const b = compareProposal(copy(defaultPolicy), copy(moreFairness));
    expect(b).toEqual(a);
    expect(a.affected).toBe(true);
    expect(a.inForce.requests).toBe(a.scenario.requests);
    expect(a.inForce.served).toBeGreaterThan(0);
    expect(a.inForce.replayFailures).toBe(0);
    expect(a.proposed.replayFailures).toBe(0);
    // Same demand for both: only how it is served may differ.
    expect(a.proposed.requests).toBe(a.inForce.requests);
    expect(a.differences.served).toBe(a.proposed.served - a.inForce.served);
  });

  it('says "not affected" and shows equal figures when only unsimulated parts change', () => {
    const payoutsOnly = copy(defaultPolicy);
    payoutsOnly.payouts.schedule = payoutsOnly.payouts.schedule === 'weekly' ? 'monthly' : 'weekly';
    const report = compareProposal(defaultPolicy, payoutsOnly);
    expect(report.affected).toBe(false);
    expect(report.proposed).toEqual(report.inForce);
    expect(Object.values(report.differences).every((d) => d === 0)).toBe(true);
  });

  it('a commission change is simulated (it changes what drivers keep)', () => {
    const higher = copy(defaultPolicy);
    higher.fares.commissionBasisPoints += 500;
    expect(simulatedPolicy(higher).fare.driverShareBp).toBe(simulatedPolicy(defaultPolicy).fare.driverShareBp - 500);
    const report = compareProposal(defaultPolicy, higher);
    expect(report.affected).toBe(true);
    expect(report.differences.earningsPerHourMean).toBeLessThan(0);
  });
});

describe('policyFigures', () => {
  const nonNegative = fc.double({ min: 0, max: 1e5, noNaN: true });
  const result = fc
    .record({
      requests: fc.integer({ min: 0, max: 500 }),
      waitsS: fc.array(nonNegative, { maxLength: 50 }),
      pickupKm: fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { maxLength: 50 }),
      earnings: fc.array(nonNegative, { maxLength: 50 }),
      offers: fc.array(fc.nat(100), { maxLength: 50 }),
      unfulfilledFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map((r): SimResult => {
      const unfulfilled = Math.floor(r.requests * r.unfulfilledFraction);
      return {
        requests: r.requests, served: r.requests - unfulfilled, unfulfilled, waitsS: r.waitsS, deadheadKmPerDriver: [], pickupKm: r.pickupKm,
        simEarningsPerHour: r.earnings, periodEarningsPerHour: r.earnings, offersPerDriver: r.offers, decisions: 0, replayed: 0, replayFailures: 0,
      };
    });

  it('stays in range: shares and Gini in [0, 1], p50 <= p95, p10 <= p90', () => {
    fc.assert(
      fc.property(result, (r) => {
        const f = policyFigures(r);
        expect(f.unfulfilledShare).toBeGreaterThanOrEqual(0);
        expect(f.unfulfilledShare).toBeLessThanOrEqual(1);
        expect(f.earningsPerHourGini).toBeGreaterThanOrEqual(0);
        expect(f.earningsPerHourGini).toBeLessThanOrEqual(1);
        expect(f.waitP50S).toBeLessThanOrEqual(f.waitP95S);
        expect(f.earningsPerHourP10).toBeLessThanOrEqual(f.earningsPerHourP90);
        expect(f.offersPerDriverMax).toBe(r.offersPerDriver.length ? Math.max(...r.offersPerDriver) : 0);
      }),
    );
  });

  it('differences are zero against itself and change sign when swapped', () => {
    fc.assert(
      fc.property(result, result, (a, b) => {
        const fa = policyFigures(a);
        const fb = policyFigures(b);
        expect(Object.values(figureDifferences(fa, fa)).every((d) => d === 0)).toBe(true);
        const ab = figureDifferences(fa, fb);
        const ba = figureDifferences(fb, fa);
        for (const k of Object.keys(ab) as Array<keyof typeof ab>) expect(ab[k] + ba[k]).toBeCloseTo(0, 3);
      }),
    );
  });
});
