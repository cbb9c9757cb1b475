import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One load scenario of load-tests/scenarios.json (the k6 scripts read the same file). */
export interface Scenario {
  name: string;
  description: string;
  drivers: number;
  /** The rider pool: the server allows one open trip per rider, so size it to rate x trip length. */
  riders: number;
  requestsPerSecond: number;
  durationSeconds: number;
  fixIntervalSeconds: number;
  thinkTimeMs: [number, number];
  speedKmh: number;
  timeScale: number;
  area: { lat: number; lng: number; radiusM: number };
  tripMetres: [number, number];
  /** The rider opens the app (quote) this long before the scheduled request. */
  quoteLeadMs: number;
  /** After the last arrival, how long trips may take to end before they count as stuck. */
  drainSeconds: number;
  /**
   * Baselines alone (for durationSeconds, right before the window), and light probes of the
   * same two baselines during the window, which see the same machine noise as the system.
   */
  baselines: { durationSeconds: number; echoPerSecond: number; floorPerSecond: number; duringEchoPerSecond: number; duringFloorPerSecond: number };
  thresholds: {
    requestToOfferP95Ms: number;
    requestToOfferP99Ms: number;
    acceptToRiderP99Ms: number;
    fixAckP95Ms: number;
    fixAckP99Ms: number;
    errorRate: number;
  };
}

/** load-tests/scenarios.json, found from here whether this runs from the sources or from dist/. */
export function scenariosPath(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'load-tests', 'scenarios.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`load-tests/scenarios.json not found above ${from}`);
  }
}

export function loadScenarios(path = scenariosPath()): Record<string, Scenario> {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { scenarios: Record<string, Omit<Scenario, 'name'>> };
  return Object.fromEntries(Object.entries(raw.scenarios).map(([name, s]) => [name, validScenario({ name, ...s })]));
}

/** Checks the numbers a run depends on, so a typo fails before anything is started. */
export function validScenario(s: Scenario): Scenario {
  const positive = ['drivers', 'riders', 'requestsPerSecond', 'durationSeconds', 'fixIntervalSeconds', 'speedKmh', 'timeScale', 'drainSeconds'] as const;
  for (const key of positive) {
    if (!(typeof s[key] === 'number' && s[key] > 0)) throw new Error(`scenario ${s.name}: ${key} must be a positive number`);
  }
  const pair = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x >= 0) && v[0] <= v[1];
  if (!pair(s.thinkTimeMs)) throw new Error(`scenario ${s.name}: thinkTimeMs must be [min, max]`);
  if (!pair(s.tripMetres)) throw new Error(`scenario ${s.name}: tripMetres must be [min, max]`);
  if (!s.area || !(s.area.radiusM > 0)) throw new Error(`scenario ${s.name}: area needs lat, lng and radiusM`);
  return s;
}
