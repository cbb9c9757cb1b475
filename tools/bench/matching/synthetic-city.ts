/**
 * Random drivers and pickups in a square city for the benchmarks (seeded, so runs compare).
 */
import { Point, VehicleKind } from '@coop/geo';
import { DriverUpsert, MatchRequest } from '@coop/matching';

/** Centre of the synthetic city (downtown Toronto) and metres per degree there. */
export const CENTRE: Point = { lat: 43.6532, lng: -79.3832 };
const M_PER_DEG_LAT = 111_195;
const M_PER_DEG_LNG = 111_195 * Math.cos((CENTRE.lat * Math.PI) / 180);

/** A uniform random point in a square `sideM` metres across around the centre. */
export function randomPoint(rnd: () => number, sideM: number): Point {
  return {
    lat: CENTRE.lat + ((rnd() - 0.5) * sideM) / M_PER_DEG_LAT,
    lng: CENTRE.lng + ((rnd() - 0.5) * sideM) / M_PER_DEG_LNG,
  };
}

/** Moves a point by up to `maxM` metres in each axis. */
export function jitter(p: Point, rnd: () => number, maxM: number): Point {
  return { lat: p.lat + ((rnd() - 0.5) * 2 * maxM) / M_PER_DEG_LAT, lng: p.lng + ((rnd() - 0.5) * 2 * maxM) / M_PER_DEG_LNG };
}

/** A random online driver: mostly free cars, some vans and bikes, some busy, fixes up to 40 s old. */
export function randomDriver(i: number, rnd: () => number, sideM: number, nowMs: number): DriverUpsert {
  const k = rnd();
  const kind: VehicleKind = k < 0.75 ? 'car' : k < 0.85 ? 'van' : k < 0.95 ? 'bike' : 'cargo_bike';
  const s = rnd();
  return {
    driverId: `drv-${String(i).padStart(6, '0')}`,
    vehicle: { kind, seats: kind === 'car' ? 4 : kind === 'van' ? 6 : 0, accessible: kind === 'van' && rnd() < 0.5 },
    position: randomPoint(rnd, sideM),
    fixAtMs: nowMs - Math.floor(rnd() * 40_000),
    status: s < 0.8 ? 'free' : s < 0.95 ? 'on_trip' : 'offered',
    idleSinceMs: nowMs - Math.floor(rnd() * 3_600_000),
    earnedMinor: Math.floor(rnd() * 40_000),
    onlineSeconds: 1800 + Math.floor(rnd() * 14_400),
  };
}

/** A one-seat ride request at a random pickup. */
export function randomRequest(i: number, rnd: () => number, sideM: number): MatchRequest {
  return { requestId: `req-${i}`, kind: 'ride', pickup: randomPoint(rnd, sideM), vehicleKind: null, seats: 1, accessible: false, excludedDriverIds: [] };
}
