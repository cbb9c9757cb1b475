// The shared scenario definitions (load-tests/scenarios.json), as the Node runner reads them.
import type { Options, Threshold } from 'k6/options';

export interface Scenario {
  description: string;
  drivers: number;
  riders: number;
  requestsPerSecond: number;
  durationSeconds: number;
  fixIntervalSeconds: number;
  thinkTimeMs: [number, number];
  area: { lat: number; lng: number; radiusM: number };
  tripMetres: [number, number];
  thresholds: {
    requestToOfferP95Ms: number;
    requestToOfferP99Ms: number;
    acceptToRiderP99Ms: number;
    fixAckP95Ms: number;
    fixAckP99Ms: number;
    errorRate: number;
  };
}

/** The scenario named by SCENARIO (default smoke) out of the JSON text the script opened. */
export function pickScenario(json: string): { name: string; scenario: Scenario } {
  const all = (JSON.parse(json) as { scenarios: Record<string, Scenario> }).scenarios;
  const name = __ENV.SCENARIO || 'smoke';
  const scenario = all[name];
  if (!scenario) throw new Error(`no scenario "${name}" in scenarios.json; have ${Object.keys(all).join(', ')}`);
  return { name, scenario };
}

export const baseUrl = (): string => __ENV.BASE_URL || 'http://127.0.0.1:3000';

/**
 * Riders arrive at a constant rate whatever the system does (open model: k6 starts new
 * iterations on schedule instead of waiting for slow ones, so no coordinated omission).
 */
export function riderArrivals(s: Scenario): NonNullable<Options['scenarios']>[string] {
  return {
    executor: 'constant-arrival-rate',
    rate: s.requestsPerSecond,
    timeUnit: '1s',
    duration: `${s.durationSeconds}s`,
    preAllocatedVUs: Math.max(2, Math.ceil(s.requestsPerSecond * 2)),
    maxVUs: Math.max(10, s.riders),
    exec: 'rider',
  };
}

/** Drivers stay connected for the whole run, one VU each. */
export function driversOnline(s: Scenario): NonNullable<Options['scenarios']>[string] {
  return {
    executor: 'constant-vus',
    vus: s.drivers,
    duration: `${s.durationSeconds + 10}s`,
    exec: 'driver',
  };
}

export function pct(p95: number, p99: number): Threshold[] {
  return [`p(95)<${p95}`, `p(99)<${p99}`];
}

/** A point at most `radiusM` from the area's centre (equirectangular, city scale). */
export function randomPoint(s: Scenario, radiusM = s.area.radiusM): { lat: number; lng: number } {
  const r = radiusM * Math.sqrt(Math.random());
  const a = Math.random() * 2 * Math.PI;
  return {
    lat: s.area.lat + (r * Math.cos(a)) / 111_320,
    lng: s.area.lng + (r * Math.sin(a)) / (111_320 * Math.cos((s.area.lat * Math.PI) / 180)),
  };
}
