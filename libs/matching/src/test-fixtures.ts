import { DriverUpsert } from './supply-index';
import { MatchRequest } from './job';
import { defaultMatchingPolicy, MatchingPolicy } from './matching-policy';

/** A fixed instant (Monday 2026-11-23 12:00 local, UTC-5) used across the specs. */
export const NOW = Date.UTC(2026, 10, 23, 17, 0, 0);

/** Downtown Toronto, the specs' pickup. */
export const PICKUP = { lat: 43.6532, lng: -79.3832 };

/** A copy of the default policy with overrides, for specs. */
export function policyWith(over: Partial<MatchingPolicy> = {}): MatchingPolicy {
  return { ...JSON.parse(JSON.stringify(defaultMatchingPolicy)), ...over };
}

/** A free car driver `dNorth` metres north of the pickup with a fresh fix. */
export function carDriver(driverId: string, dNorth: number, over: Partial<DriverUpsert> = {}): DriverUpsert {
  return {
    driverId,
    vehicle: { kind: 'car', seats: 4, accessible: false },
    position: { lat: PICKUP.lat + dNorth / 111_195, lng: PICKUP.lng },
    fixAtMs: NOW - 1000,
    idleSinceMs: NOW - 600_000,
    earnedMinor: 20_000,
    onlineSeconds: 7200,
    ...over,
  };
}

/** A one-seat ride request at the pickup. */
export function rideRequest(over: Partial<MatchRequest> = {}): MatchRequest {
  return {
    requestId: 'trip-1',
    kind: 'ride',
    pickup: PICKUP,
    vehicleKind: null,
    seats: 1,
    accessible: false,
    excludedDriverIds: [],
    ...over,
  };
}

/** True when `v` is plain JSON: objects, arrays, strings, booleans, null and finite numbers only. */
export function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    return (proto === Object.prototype || proto === null) && Object.values(v as object).every(isPlainJson);
  }
  return false;
}
