import { clampInt, floorDiv } from '@coop/geo';
import { DriverSnapshot } from './driver-state';
import { CandidateFeatures, earningsPerHour } from './features';
import { MatchingPolicy, ScoringNormalization } from './matching-policy';

/**
 * The scoring terms, in the order they are summed. Each maps features to 0..TERM_SCALE points
 * (higher is better for the match); the score is the weighted sum with the policy's integer
 * weights. All integer arithmetic (see @coop/geo int-math), so a score replays bit for bit.
 * None of the terms looks at declined or expired offers: declining never lowers a score.
 */
export const TERM_NAMES = ['pickupEta', 'idle', 'fairness', 'fixFreshness', 'vehicleFit'] as const;

/** Name of one scoring term. */
export type TermName = (typeof TERM_NAMES)[number];

/** Points per term, one key per entry of TERM_NAMES. */
export type TermPoints = Record<TermName, number>;

/** Full points of one term. */
export const TERM_SCALE = 10_000;

/** Co-op-wide inputs of the fairness term, computed by the caller from the ledger for the period. */
export interface FairnessContext {
  /** Median earnings per online hour across the co-op's drivers this period, minor units. */
  medianEarningsPerHourMinor: number;
}

/** Pickup ETA term: linear from full points at 0 s to 0 at the policy's ETA cap; less waiting, less unpaid driving. */
export function pickupEtaPoints(etaSeconds: number, capSeconds: number): number {
  return floorDiv((capSeconds - Math.min(etaSeconds, capSeconds)) * TERM_SCALE, capSeconds);
}

/** Idle term: linear in seconds waiting since the last trip, full at the cap; spreads work to those who waited. */
export function idlePoints(idleSeconds: number, capSeconds: number): number {
  return floorDiv(Math.min(idleSeconds, capSeconds) * TERM_SCALE, capSeconds);
}

/**
 * Earnings-fairness term: the driver's shortfall below the co-op median earnings per online
 * hour, in basis points of the median, clamped to 0..10 000. Favouring the drivers furthest
 * below the median over repeated matchings follows the amortized income fairness of Suhr,
 * Biega, Zehlike, Gummadi and Chakraborty, "Two-sided fairness for repeated matchings in
 * two-sided markets: a case study of a ride-hailing platform", KDD 2019. Drivers with too
 * little online time for a rate (null) count as at the median.
 */
export function fairnessPoints(earningsPerHourMinor: number | null, medianMinor: number): number {
  if (earningsPerHourMinor === null || medianMinor <= 0) return 0;
  return clampInt(floorDiv((medianMinor - earningsPerHourMinor) * TERM_SCALE, medianMinor), 0, TERM_SCALE);
}

/** Fix-freshness term: linear from full points for a fix 0 s old to 0 at the stale limit; an old fix makes the ETA less certain. */
export function fixFreshnessPoints(fixAgeSeconds: number, staleFixSeconds: number): number {
  return floorDiv((staleFixSeconds - Math.min(fixAgeSeconds, staleFixSeconds)) * TERM_SCALE, staleFixSeconds);
}

/**
 * Vehicle-fit term: full points, less a penalty for an accessible vehicle on a job that does
 * not need one (keeps the scarce accessible fleet free for riders who do) and per surplus seat.
 */
export function vehicleFitPoints(excessSeats: number, accessibleUnneeded: boolean, n: ScoringNormalization): number {
  const penalty = (accessibleUnneeded ? n.accessibleReservePenalty : 0) + excessSeats * n.excessSeatPenalty;
  return clampInt(TERM_SCALE - penalty, 0, TERM_SCALE);
}

/** All term points of one candidate. */
export function termPoints(f: CandidateFeatures, policy: MatchingPolicy, ctx: FairnessContext): TermPoints {
  const n = policy.normalization;
  return {
    pickupEta: pickupEtaPoints(f.etaSeconds, n.etaCapSeconds),
    idle: idlePoints(f.idleSeconds, n.idleCapSeconds),
    fairness: fairnessPoints(f.earningsPerHourMinor, ctx.medianEarningsPerHourMinor),
    fixFreshness: fixFreshnessPoints(f.fixAgeSeconds, policy.staleFixSeconds),
    vehicleFit: vehicleFitPoints(f.excessSeats, f.accessibleUnneeded, n),
  };
}

/** The weighted sum of term points: the candidate's score (higher is better). */
export function weightedScore(points: TermPoints, policy: MatchingPolicy): number {
  let s = 0;
  for (const t of TERM_NAMES) s += policy.weights[t] * points[t];
  return s;
}

/** The best possible score under a policy; batch cost is this minus the score, never negative. */
export function maxScore(policy: MatchingPolicy): number {
  let w = 0;
  for (const t of TERM_NAMES) w += policy.weights[t];
  return w * TERM_SCALE;
}

/**
 * Median earnings per online hour over drivers with enough online time (minor units; the
 * lower-middle and upper-middle average, floored, for an even count; 0 when nobody qualifies).
 */
export function medianEarningsPerHour(drivers: readonly DriverSnapshot[], minOnlineSeconds: number): number {
  const rates = drivers
    .map((d) => earningsPerHour(d, minOnlineSeconds))
    .filter((r): r is number => r !== null)
    .sort((a, b) => a - b);
  if (rates.length === 0) return 0;
  const mid = rates.length >> 1;
  return rates.length % 2 === 1 ? rates[mid] : floorDiv(rates[mid - 1] + rates[mid], 2);
}
