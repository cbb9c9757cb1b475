/**
 * Fairness figures computed from the public decision leaves alone (pure), so the server's
 * report and a member's verifier, which recomputes it from the leaves it verified, agree:
 * per pseudonym period, how often each driver was offered work, how often they were a
 * candidate or excluded (by reason), their latest earnings snapshot, and the spread (Gini) of
 * offers and of earnings per online hour across drivers.
 *
 * What the log cannot tell: trips per driver and rider wait times (trip outcomes are not logged).
 * The API adds them from the trips table as `outcomes` (tripOutcomes below), marked as reported by
 * the server and not verifiable from the log.
 */

/** One driver's figures in a period, by pseudonym. */
export interface DriverFairness {
  pseudonym: string;
  offers: number;
  candidacies: number;
  exclusions: Record<string, number>;
  /** From the latest decision of the period that saw the driver. */
  earnedMinor: number;
  onlineSeconds: number;
  earningsPerHourMinor: number | null;
}

/** One period's figures. */
export interface PeriodFairness {
  period: string;
  decisions: number;
  drivers: DriverFairness[];
  /** Gini of offers across every driver seen in the period (0: equal, near 1: all to one). */
  offersGini: number;
  /** Gini of earnings per online hour across drivers with online time. */
  earningsPerHourGini: number;
}

interface PublicDecision {
  kind?: unknown;
  privacy?: { period?: unknown };
  record?: {
    nowMs?: unknown;
    choice?: { driverId?: unknown };
    candidates?: { driverId?: unknown }[];
    exclusions?: { driverId?: unknown; reason?: unknown }[];
    drivers?: { driverId?: unknown; earnedMinor?: unknown; onlineSeconds?: unknown }[];
  };
}

/**
 * Gini coefficient of non-negative values, G = sum_i (2i - n - 1) x_(i) / (n sum x) over the
 * sorted values (Damgaard and Weiner 2000); 0 for no values or a zero total.
 */
export function gini(values: readonly number[]): number {
  const n = values.length;
  const total = values.reduce((a, b) => a + b, 0);
  if (n === 0 || total === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  let acc = 0;
  for (let i = 0; i < n; i++) acc += (2 * (i + 1) - n - 1) * s[i];
  return acc / (n * total);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Per-period fairness from public leaves in log order; other leaves and malformed ones are skipped. */
export function fairnessReport(leaves: readonly unknown[]): PeriodFairness[] {
  const periods = new Map<string, { decisions: number; drivers: Map<string, DriverFairness> }>();
  for (const raw of leaves) {
    const leaf = raw as PublicDecision;
    const period = str(leaf?.privacy?.period);
    if (leaf?.kind !== 'dispatch_decision' || !period || !leaf.record) continue;
    const p = periods.get(period) ?? { decisions: 0, drivers: new Map<string, DriverFairness>() };
    periods.set(period, p);
    p.decisions++;
    const driver = (id: unknown): DriverFairness | undefined => {
      const pseudonym = str(id);
      if (!pseudonym) return undefined;
      let d = p.drivers.get(pseudonym);
      if (!d) {
        d = { pseudonym, offers: 0, candidacies: 0, exclusions: {}, earnedMinor: 0, onlineSeconds: 0, earningsPerHourMinor: null };
        p.drivers.set(pseudonym, d);
      }
      return d;
    };
    const r = leaf.record;
    for (const s of r.drivers ?? []) {
      const d = driver(s.driverId);
      if (!d) continue;
      d.earnedMinor = int(s.earnedMinor);
      d.onlineSeconds = int(s.onlineSeconds);
      d.earningsPerHourMinor = d.onlineSeconds > 0 ? Math.floor((d.earnedMinor * 3600) / d.onlineSeconds) : null;
    }
    for (const c of r.candidates ?? []) {
      const d = driver(c.driverId);
      if (d) d.candidacies++;
    }
    for (const e of r.exclusions ?? []) {
      const d = driver(e.driverId);
      const reason = str(e.reason) ?? 'unknown';
      if (d) d.exclusions[reason] = (d.exclusions[reason] ?? 0) + 1;
    }
    const chosen = driver(r.choice?.driverId);
    if (chosen) chosen.offers++;
  }
  return [...periods.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([period, p]) => {
      const drivers = [...p.drivers.values()].sort((a, b) => b.offers - a.offers || (a.pseudonym < b.pseudonym ? -1 : 1));
      return {
        period,
        decisions: p.decisions,
        drivers,
        offersGini: gini(drivers.map((d) => d.offers)),
        earningsPerHourGini: gini(drivers.flatMap((d) => (d.earningsPerHourMinor === null ? [] : [d.earningsPerHourMinor]))),
      };
    });
}

/** Trip outcomes of a period, as the server reports them from the trips table (not verifiable from the log). */
export interface TripOutcomes {
  source: 'trips table';
  requested: number;
  matched: number;
  completed: number;
  /** Seconds from request to a driver's accept, over matched trips; null when none. */
  waitSeconds: { median: number; p90: number; max: number } | null;
  /** Matched trips per driver pseudonym, most first. */
  drivers: { pseudonym: string; trips: number; completed: number }[];
  /** Gini of matched trips across the drivers who had at least one decision or trip in the period. */
  tripsGini: number;
}

/**
 * Trips per driver under the period's pseudonyms, and the Gini of trips over every driver the
 * period's decisions saw (a driver offered nothing and matched nothing counts as 0), so the
 * spread is comparable with offersGini.
 */
export function tripOutcomes(
  rows: { requested: number; matched: number; completed: number; waitSeconds: TripOutcomes['waitSeconds']; perDriver: { pseudonym: string; trips: number; completed: number }[] },
  seenInDecisions: readonly string[],
): TripOutcomes {
  const drivers = [...rows.perDriver].sort((a, b) => b.trips - a.trips || (a.pseudonym < b.pseudonym ? -1 : 1));
  const trips = new Map(drivers.map((d) => [d.pseudonym, d.trips]));
  const everyone = new Set([...seenInDecisions, ...trips.keys()]);
  return {
    source: 'trips table',
    requested: rows.requested,
    matched: rows.matched,
    completed: rows.completed,
    waitSeconds: rows.waitSeconds,
    drivers,
    tripsGini: gini([...everyone].map((p) => trips.get(p) ?? 0)),
  };
}
