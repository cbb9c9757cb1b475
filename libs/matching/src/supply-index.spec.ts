import fc from 'fast-check';
import { cellDistance, cellOf, toPointE6 } from '@coop/geo';
import { SupplyIndex } from './supply-index';
import { NOW, PICKUP, carDriver, policyWith, rideRequest } from './test-fixtures';

const offset = fc.record({ dLat: fc.double({ min: -0.02, max: 0.02, noNaN: true }), dLng: fc.double({ min: -0.03, max: 0.03, noNaN: true }) });

describe('SupplyIndex ring search', () => {
  it('finds every driver within the ring radius and none outside (property)', () => {
    fc.assert(
      fc.property(fc.array(offset, { maxLength: 80 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 100 }), (offsets, k, count) => {
        const policy = policyWith({ maxRingRadius: k, candidateCount: count, extraRings: 1 });
        const idx = new SupplyIndex(policy);
        offsets.forEach((o, i) => idx.upsert(carDriver(`d${i}`, 0, { position: { lat: PICKUP.lat + o.dLat, lng: PICKUP.lng + o.dLng } })));
        const search = idx.search(rideRequest(), NOW);
        const origin = cellOf(toPointE6(PICKUP), policy.h3Resolution);
        expect(search.ringsSearched).toBeLessThanOrEqual(k);
        const expected = offsets
          .map((o, i) => ({ id: `d${i}`, ring: cellDistance(origin, cellOf(toPointE6({ lat: PICKUP.lat + o.dLat, lng: PICKUP.lng + o.dLng }), policy.h3Resolution)) }))
          .filter((d) => d.ring >= 0 && d.ring <= search.ringsSearched)
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(search.found.map((f) => [f.driverId, f.ring])).toEqual(expected.map((d) => [d.id, d.ring]));
        // it stops early only once the count was reached
        if (search.ringsSearched < k) expect(search.found.length).toBeGreaterThanOrEqual(count);
        else if (count > offsets.length) expect(search.ringsSearched).toBe(k);
      }),
      { numRuns: 150 },
    );
  });

  it('searches extraRings more rings after the candidate count is reached', () => {
    const idx = new SupplyIndex(policyWith({ candidateCount: 1, extraRings: 2 }));
    idx.upsert(carDriver('here', 0));
    expect(idx.search(rideRequest(), NOW).ringsSearched).toBe(2);
  });

  it('returns copies that later updates do not change', () => {
    const idx = new SupplyIndex(policyWith());
    idx.upsert(carDriver('a', 10));
    const s = idx.search(rideRequest(), NOW);
    idx.applyFix('a', { lat: PICKUP.lat + 0.001, lng: PICKUP.lng }, NOW);
    idx.markOffered('a');
    expect(s.drivers[0].status).toBe('free');
    expect(s.drivers[0].fixAtMs).toBe(NOW - 1000);
  });
});

describe('SupplyIndex state', () => {
  it('moves a driver between cells on a fix and ignores out-of-order fixes', () => {
    const idx = new SupplyIndex(policyWith({ maxRingRadius: 1 }));
    idx.upsert(carDriver('a', 20_000));
    expect(idx.search(rideRequest(), NOW).found).toEqual([]);
    expect(idx.applyFix('a', PICKUP, NOW - 500)).toBe(true);
    expect(idx.search(rideRequest(), NOW).found).toEqual([{ driverId: 'a', ring: 0 }]);
    expect(idx.applyFix('a', { lat: 44, lng: -79 }, NOW - 900)).toBe(false);
    expect(idx.get('a')!.position).toEqual(toPointE6(PICKUP));
    expect(idx.applyFix('nobody', PICKUP, NOW)).toBe(false);
  });

  it('restarts idle time after a trip, not after a declined offer', () => {
    const idx = new SupplyIndex(policyWith());
    idx.upsert(carDriver('a', 0, { idleSinceMs: 1000 }));
    idx.markOffered('a');
    idx.markFree('a', 5000);
    expect(idx.get('a')!.idleSinceMs).toBe(1000);
    idx.markOnTrip('a');
    idx.markFree('a', 9000);
    expect(idx.get('a')).toMatchObject({ status: 'free', idleSinceMs: 9000 });
  });

  it('removes drivers and reports unknown ones with a stable code', () => {
    const idx = new SupplyIndex(policyWith());
    idx.upsert(carDriver('a', 0));
    expect(idx.remove('a')).toBe(true);
    expect(idx.size).toBe(0);
    expect(idx.remove('a')).toBe(false);
    expect(() => idx.markOffered('a')).toThrow(expect.objectContaining({ code: 'MATCHING_DRIVER_UNKNOWN' }));
  });

  it('refuses an invalid policy', () => {
    expect(() => new SupplyIndex(policyWith({ candidateCount: 0 }))).toThrow(expect.objectContaining({ code: 'MATCHING_POLICY_INVALID' }));
  });
});
