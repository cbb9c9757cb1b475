import { Prng } from './prng';

/** A WGS84 point, as the client contract has it. */
export interface Point {
  lat: number;
  lng: number;
}

const EARTH_RADIUS_M = 6_371_008.8; // IUGG mean radius

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine formula). */
export function distanceMetres(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point a fraction `f` of the way from `a` to `b` (linear in degrees: fine at city scale). */
export function along(a: Point, b: Point, f: number): Point {
  const t = Math.max(0, Math.min(1, f));
  return { lat: a.lat + (b.lat - a.lat) * t, lng: a.lng + (b.lng - a.lng) * t };
}

/** A point `metres` from `origin` on bearing `bearingRad` (equirectangular, city scale). */
export function offset(origin: Point, metres: number, bearingRad: number): Point {
  const dLat = (metres * Math.cos(bearingRad)) / EARTH_RADIUS_M;
  const dLng = (metres * Math.sin(bearingRad)) / (EARTH_RADIUS_M * Math.cos(rad(origin.lat)));
  return { lat: origin.lat + (dLat * 180) / Math.PI, lng: origin.lng + (dLng * 180) / Math.PI };
}

/** A point uniformly distributed over the disc of `radiusM` around `centre`. */
export function randomPointWithin(rng: Prng, centre: Point, radiusM: number): Point {
  return offset(centre, radiusM * Math.sqrt(rng.next()), rng.between(0, 2 * Math.PI));
}

/** Six decimals (about 11 cm) is what a phone reports; keeps payloads short. */
export function rounded(p: Point): Point {
  return { lat: round6(p.lat), lng: round6(p.lng) };
}

/** One coordinate to six decimals. */
export const round6 = (degrees: number) => Math.round(degrees * 1e6) / 1e6;
