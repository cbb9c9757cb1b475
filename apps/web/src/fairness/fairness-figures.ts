/**
 * The fairness report (GET /v1/audit/fairness) shaped for the charts: pure functions, so the
 * figures on screen are unit-tested against the API's shape.
 */

/** GET /v1/audit/fairness */
export interface FairnessReport {
  period: string;
  decisions: number;
  drivers: { pseudonym: string; offers: number; candidacies: number; exclusions: Record<string, number>; earnedMinor: number; onlineSeconds: number; earningsPerHourMinor: number | null }[];
  offersGini: number;
  earningsPerHourGini: number;
  /** Trip outcomes from the trips table (newer servers): reported, not verifiable from the log. */
  outcomes?: {
    requested: number;
    matched: number;
    completed: number;
    waitSeconds: { median: number; p90: number; max: number } | null;
    drivers: { pseudonym: string; trips: number; completed: number }[];
    tripsGini: number;
  };
}

export interface Bar {
  label: string;
  value: number;
}

export interface Series {
  name: string;
  /** One value per period; null where the period had no data. */
  values: (number | null)[];
}

/** Offers per driver, most first (pseudonyms are per period, so only this period's). */
export function offersPerDriver(report: FairnessReport, top = 20): Bar[] {
  return [...report.drivers]
    .sort((a, b) => b.offers - a.offers || a.pseudonym.localeCompare(b.pseudonym))
    .slice(0, top)
    .map((d) => ({ label: d.pseudonym, value: d.offers }));
}

/** Counts of values per band of width `step` (minor units), from the lowest band to the highest. */
export function histogram(values: readonly number[], step: number): { from: number; to: number; count: number }[] {
  if (values.length === 0) return [];
  const counts = new Map<number, number>();
  for (const v of values) counts.set(Math.floor(v / step), (counts.get(Math.floor(v / step)) ?? 0) + 1);
  const bands = [...counts.keys()];
  const [low, high] = [Math.min(...bands), Math.max(...bands)];
  return Array.from({ length: high - low + 1 }, (_, i) => ({ from: (low + i) * step, to: (low + i + 1) * step, count: counts.get(low + i) ?? 0 }));
}

const dollars = (minor: number) => `$${(minor / 100).toFixed(0)}`;

/** Drivers per band of earnings per online hour ($10 bands); drivers without enough online time are left out. */
export function earningsPerHourBands(report: FairnessReport, stepMinor = 1000): Bar[] {
  const perHour = report.drivers.flatMap((d) => (d.earningsPerHourMinor === null ? [] : [d.earningsPerHourMinor]));
  return histogram(perHour, stepMinor).map((b) => ({ label: `${dollars(b.from)}–${dollars(b.to)}`, value: b.count }));
}

/**
 * Gini coefficients per period, oldest first: of offers and of earnings per hour from the log,
 * and of trips from the trips table. A period without decisions has no Gini (null), not 0.
 */
export function giniOverTime(history: readonly (FairnessReport | undefined)[]): Series[] {
  const has = (r: FairnessReport | undefined): r is FairnessReport => r !== undefined && r.decisions > 0;
  return [
    { name: 'Offers', values: history.map((r) => (has(r) ? r.offersGini : null)) },
    { name: 'Earnings per hour', values: history.map((r) => (has(r) && r.drivers.some((d) => d.earningsPerHourMinor !== null) ? r.earningsPerHourGini : null)) },
    { name: 'Trips (reported)', values: history.map((r) => (has(r) && r.outcomes && r.outcomes.drivers.length > 0 ? r.outcomes.tripsGini : null)) },
  ].filter((s) => s.values.some((v) => v !== null));
}

/**
 * The `n` pseudonym periods ending with `period`, oldest first, in the same notation: years
 * (2026), months (2026-11) or ISO weeks (2026-W47). Anything else is returned alone.
 */
export function previousPeriods(period: string, n: number): string[] {
  const steps = Array.from({ length: n }, (_, i) => n - 1 - i);
  if (/^\d{4}$/.test(period)) return steps.map((k) => String(Number(period) - k));
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) {
    return steps.map((k) => {
      const d = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1 - k, 1));
      return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    });
  }
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (week) {
    const monday = isoWeekMonday(Number(week[1]), Number(week[2]));
    return steps.map((k) => isoWeekOf(new Date(monday.getTime() - k * 7 * 86_400_000)));
  }
  return [period];
}

/** Monday of ISO week `w` of year `y` (ISO 8601: week 1 holds the year's first Thursday, so 4 January). */
function isoWeekMonday(y: number, w: number): Date {
  const jan4 = new Date(Date.UTC(y, 0, 4));
  const mondayOfWeek1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(mondayOfWeek1 + (w - 1) * 7 * 86_400_000);
}

/** The ISO week (YYYY-Www) holding day `d`: the week of its Thursday. */
function isoWeekOf(d: Date): string {
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.round((thursday.getTime() - isoWeekMonday(year, 1).getTime() - 3 * 86_400_000) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}
