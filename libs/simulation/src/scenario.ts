import { Point, VehicleKind, haversineMetres, localHour, toPointE6 } from '@coop/geo';
import { JobKind } from '@coop/matching';
import { City, demandPoint, dropoffPoint, uniformPoint } from './city';
import { Prng } from './prng';

/** A simulated trip request, fixed before any policy runs so every policy sees the same demand. */
export interface SimRequestSpec {
  id: string;
  atMs: number;
  kind: JobKind;
  pickup: Point;
  dropoff: Point;
  seats: number;
  accessible: boolean;
}

/** A simulated driver at the start, with earnings already made earlier this period. */
export interface SimDriverSpec {
  id: string;
  vehicle: { kind: VehicleKind; seats: number; accessible: boolean };
  start: Point;
  priorEarnedMinor: number;
  priorOnlineSeconds: number;
  /** Chance this driver accepts an offer, and response delay range in seconds. */
  acceptProb: number;
}

/** The fixed inputs of one simulation run. */
export interface Scenario {
  city: City;
  startMs: number;
  endMs: number;
  drivers: SimDriverSpec[];
  requests: SimRequestSpec[];
}

/** Options from the command line. */
export interface ScenarioOptions {
  drivers: number;
  hours: number;
  seed: number;
  sizeKm: number;
  startLocalHour: number;
  utcOffsetMinutes: number;
}

/**
 * Draws the fleet and the whole demand stream from the seed: a Poisson process whose rate
 * follows the city's hourly curve (thinning, Lewis and Shedler 1979), pickups and dropoffs
 * from the hot-spot mix, trips at least 1 km long.
 */
export function makeScenario(city: City, o: ScenarioOptions): Scenario {
  const root = new Prng(o.seed);
  const fleetRnd = root.fork(1);
  const demandRnd = root.fork(2);
  const startMs = Date.UTC(2026, 10, 23, 0, 0, 0) + (o.startLocalHour * 60 - o.utcOffsetMinutes) * 60_000;
  const endMs = startMs + o.hours * 3_600_000;
  const drivers: SimDriverSpec[] = Array.from({ length: o.drivers }, (_, i) => {
    const k = fleetRnd.next();
    const kind: VehicleKind = k < 0.8 ? 'car' : k < 0.88 ? 'van' : k < 0.96 ? 'bike' : 'cargo_bike';
    const priorOnlineSeconds = Math.round(fleetRnd.uniform(2, 8) * 3600);
    const rate = 2600 * Math.exp(0.35 * fleetRnd.normal()); // cents per hour, log-normal spread
    return {
      id: `driver-${String(i).padStart(4, '0')}`,
      vehicle: { kind, seats: kind === 'car' ? 4 : kind === 'van' ? 6 : 0, accessible: kind === 'van' && fleetRnd.next() < 0.5 },
      start: uniformPoint(city, fleetRnd),
      priorEarnedMinor: Math.round((rate * priorOnlineSeconds) / 3600),
      priorOnlineSeconds,
      acceptProb: 0.8 + 0.15 * fleetRnd.next(),
    };
  });
  const requests: SimRequestSpec[] = [];
  const peak = Math.max(...city.hourly) * city.requestsPerDriverHour * o.drivers; // per hour
  let t = startMs;
  for (;;) {
    t += demandRnd.exponential(3_600_000 / peak);
    if (t >= endMs) break;
    const hour = localHour(Math.floor(t), o.utcOffsetMinutes);
    const accept = (city.hourly[hour] * city.requestsPerDriverHour * o.drivers) / peak;
    if (demandRnd.next() >= accept) continue;
    const pickup = demandPoint(city, demandRnd);
    let dropoff = dropoffPoint(city, pickup, demandRnd);
    for (let tries = 0; tries < 10 && haversineMetres(toPointE6(pickup), toPointE6(dropoff)) < 1000; tries++) dropoff = dropoffPoint(city, pickup, demandRnd);
    const delivery = demandRnd.next() < 0.15;
    requests.push({
      id: `req-${String(requests.length).padStart(6, '0')}`,
      atMs: Math.floor(t),
      kind: delivery ? 'delivery' : 'ride',
      pickup,
      dropoff,
      seats: delivery ? 0 : demandRnd.next() < 0.8 ? 1 : 2,
      accessible: !delivery && demandRnd.next() < 0.03,
    });
  }
  return { city, startMs, endMs, drivers, requests };
}
