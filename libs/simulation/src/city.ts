import { Point } from '@coop/geo';
import { Prng } from './prng';

/** A synthetic city: a square around a centre, with demand hot spots and an hourly demand curve. */
export interface City {
  centre: Point;
  sizeKm: number;
  /** Hot spots as offsets from the centre in km, with spread (km) and weight. */
  hotSpots: Array<{ dxKm: number; dyKm: number; sigmaKm: number; weight: number }>;
  /** Share of pickups drawn from hot spots (the rest uniform over the city). */
  hotShare: number;
  /** Requests per hour per online driver at a demand multiplier of 1. */
  requestsPerDriverHour: number;
  /** Demand multiplier per local hour 0..23 (rush hours above 1). */
  hourly: number[];
}

/** Builds a city `sizeKm` across with five hot spots (downtown, two hubs, a campus, the airport side). */
export function makeCity(sizeKm: number): City {
  const h = sizeKm / 2;
  return {
    centre: { lat: 43.6532, lng: -79.3832 },
    sizeKm,
    hotSpots: [
      { dxKm: 0, dyKm: 0, sigmaKm: 1.2, weight: 5 },
      { dxKm: 0.45 * h, dyKm: 0.3 * h, sigmaKm: 1.0, weight: 2 },
      { dxKm: -0.5 * h, dyKm: 0.2 * h, sigmaKm: 1.0, weight: 2 },
      { dxKm: 0.1 * h, dyKm: -0.55 * h, sigmaKm: 0.8, weight: 1.5 },
      { dxKm: -0.7 * h, dyKm: -0.6 * h, sigmaKm: 0.7, weight: 1 },
    ],
    hotShare: 0.65,
    requestsPerDriverHour: 0.9,
    hourly: [0.5, 0.4, 0.3, 0.3, 0.3, 0.5, 0.9, 1.6, 1.8, 1.4, 1.0, 1.0, 1.1, 1.0, 1.0, 1.1, 1.5, 1.8, 1.6, 1.2, 1.1, 1.1, 1.0, 0.8],
  };
}

const KM_PER_DEG_LAT = 111.195;

/** Converts an offset in km from the city centre to a point. */
export function offsetPoint(city: City, dxKm: number, dyKm: number): Point {
  const kmPerDegLng = KM_PER_DEG_LAT * Math.cos((city.centre.lat * Math.PI) / 180);
  const h = city.sizeKm / 2;
  const x = Math.max(-h, Math.min(h, dxKm));
  const y = Math.max(-h, Math.min(h, dyKm));
  return { lat: city.centre.lat + y / KM_PER_DEG_LAT, lng: city.centre.lng + x / kmPerDegLng };
}

/** A point drawn from the demand distribution: a hot spot (Gaussian around it) or uniform. */
export function demandPoint(city: City, rnd: Prng): Point {
  const h = city.sizeKm / 2;
  if (rnd.next() < city.hotShare) {
    const s = city.hotSpots[rnd.weighted(city.hotSpots.map((x) => x.weight))];
    return offsetPoint(city, s.dxKm + rnd.normal() * s.sigmaKm, s.dyKm + rnd.normal() * s.sigmaKm);
  }
  return offsetPoint(city, rnd.uniform(-h, h), rnd.uniform(-h, h));
}

/** A dropoff: most trips are local (1-5 km from the pickup in a random direction), the rest go to a demand point. */
export function dropoffPoint(city: City, pickup: Point, rnd: Prng): Point {
  if (rnd.next() < 0.4) return demandPoint(city, rnd);
  const kmPerDegLng = KM_PER_DEG_LAT * Math.cos((city.centre.lat * Math.PI) / 180);
  const r = rnd.uniform(1, 5);
  const a = rnd.uniform(0, 2 * Math.PI);
  const dx = (pickup.lng - city.centre.lng) * kmPerDegLng + r * Math.cos(a);
  const dy = (pickup.lat - city.centre.lat) * KM_PER_DEG_LAT + r * Math.sin(a);
  return offsetPoint(city, dx, dy);
}

/** A uniform point in the city (where drivers start). */
export function uniformPoint(city: City, rnd: Prng): Point {
  const h = city.sizeKm / 2;
  return offsetPoint(city, rnd.uniform(-h, h), rnd.uniform(-h, h));
}

/** Moves fraction `f` (0..1) of the way from a to b. */
export function lerp(a: Point, b: Point, f: number): Point {
  return { lat: a.lat + (b.lat - a.lat) * f, lng: a.lng + (b.lng - a.lng) * f };
}
