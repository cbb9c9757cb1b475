import { SupplyIndex } from './supply-index';
import { NOW, carDriver, policyWith, rideRequest } from './test-fixtures';

describe('hard constraints and stale exclusion', () => {
  const policy = policyWith();
  const idx = new SupplyIndex(policy);
  idx.upsert(carDriver('ok', 100));
  idx.upsert(carDriver('busy', 110, { status: 'on_trip' }));
  idx.upsert(carDriver('offered', 120, { status: 'offered' }));
  idx.upsert(carDriver('stale', 130, { fixAtMs: NOW - (policy.staleFixSeconds * 1000 + 1) }));
  idx.upsert(carDriver('edge-fresh', 135, { fixAtMs: NOW - policy.staleFixSeconds * 1000 }));
  idx.upsert(carDriver('bike', 140, { vehicle: { kind: 'bike', seats: 0, accessible: false } }));
  idx.upsert(carDriver('small', 150, { vehicle: { kind: 'car', seats: 2, accessible: false } }));
  idx.upsert(carDriver('declined', 160));
  idx.upsert(carDriver('far', 30_000));

  const reasons = (req = rideRequest()) => {
    const set = idx.candidates(req, NOW);
    return {
      ok: set.candidates.map((c) => c.driverId),
      ex: Object.fromEntries(set.exclusions.map((e) => [e.driverId, e.reason])),
    };
  };

  it('records a reason for each excluded driver', () => {
    const r = reasons(rideRequest({ seats: 3, excludedDriverIds: ['declined'] }));
    expect(r.ok.sort()).toEqual(['edge-fresh', 'ok']);
    expect(r.ex).toEqual({
      busy: 'on_trip',
      offered: 'holding_offer',
      stale: 'stale_fix',
      bike: 'vehicle_kind_not_allowed',
      small: 'insufficient_seats',
      declined: 'already_offered_this_trip',
    });
  });

  it('requires an accessible vehicle when asked and honours a requested vehicle kind', () => {
    expect(reasons(rideRequest({ accessible: true })).ok).toEqual([]);
    expect(reasons(rideRequest({ vehicleKind: 'van' })).ex.ok).toBe('vehicle_kind_not_allowed');
  });

  it('lets bikes take deliveries but not rides', () => {
    expect(reasons(rideRequest({ kind: 'delivery', seats: 0 })).ok).toContain('bike');
  });

  it('keeps only the candidateCount quickest, the rest as beyond_candidate_count', () => {
    const small = new SupplyIndex(policyWith({ candidateCount: 2 }));
    for (let i = 0; i < 5; i++) small.upsert(carDriver(`d${i}`, 100 * (i + 1)));
    const set = small.candidates(rideRequest(), NOW);
    expect(set.candidates.map((c) => c.driverId)).toEqual(['d0', 'd1']);
    expect(set.exclusions.every((e) => e.reason === 'beyond_candidate_count')).toBe(true);
  });

  it('excludes pickups further than the maximum ETA', () => {
    const tight = new SupplyIndex(policyWith({ maxPickupEtaSeconds: 60 }));
    tight.upsert(carDriver('near', 50));
    tight.upsert(carDriver('mid', 1500));
    const set = tight.candidates(rideRequest(), NOW);
    expect(set.candidates.map((c) => c.driverId)).toEqual(['near']);
    expect(set.exclusions).toEqual([{ driverId: 'mid', reason: 'eta_above_max' }]);
  });
});
