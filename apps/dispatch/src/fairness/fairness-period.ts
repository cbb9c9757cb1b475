const DAY_MS = 86_400_000;

/**
 * Start of the fairness period containing `nowMs`: Monday 00:00 UTC of the ISO week. The
 * fairness term compares earnings per online hour "this period" (Suhr et al., KDD 2019,
 * amortize fairness over repeated matchings); a week smooths out one slow evening.
 */
export function fairnessPeriodStart(nowMs: number): number {
  const dayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const weekday = new Date(dayStart).getUTCDay(); // 0 = Sunday
  const daysSinceMonday = (weekday + 6) % 7;
  return dayStart - daysSinceMonday * DAY_MS;
}
