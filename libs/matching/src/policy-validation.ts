import { VEHICLE_KINDS, assertSpeedProfile } from '@coop/geo';
import { MatchingError } from './errors';
import { MatchingPolicy } from './matching-policy';
import { TERM_NAMES } from './scoring';

const MAX_WEIGHT = 1000;

/** Problems with a matching policy, as readable strings (empty when valid); run once when a policy is loaded. */
export function matchingPolicyIssues(p: MatchingPolicy): string[] {
  const issues: string[] = [];
  const int = (v: number, name: string, min: number, max: number): void => {
    if (!Number.isSafeInteger(v) || v < min || v > max) issues.push(`${name} must be an integer in [${min}, ${max}]`);
  };
  int(p.h3Resolution, 'h3Resolution', 0, 15);
  int(p.maxRingRadius, 'maxRingRadius', 0, 100);
  int(p.extraRings, 'extraRings', 0, 10);
  int(p.candidateCount, 'candidateCount', 1, 1000);
  int(p.staleFixSeconds, 'staleFixSeconds', 1, 3600);
  int(p.maxPickupEtaSeconds, 'maxPickupEtaSeconds', 1, 86_400);
  int(p.offerTimeoutSeconds, 'offerTimeoutSeconds', 1, 600);
  int(p.maxOffersPerTrip, 'maxOffersPerTrip', 1, 100);
  int(p.searchTimeoutSeconds, 'searchTimeoutSeconds', 10, 3600);
  int(p.batchWindowMs, 'batchWindowMs', 0, 60_000);
  if (p.mode !== 'immediate' && p.mode !== 'batch') issues.push('mode must be immediate or batch');
  // Weights bounded so a score (sum of weight x 10 000) and a batch total stay far below 2^53.
  for (const t of TERM_NAMES) int(p.weights[t], `weights.${t}`, 0, MAX_WEIGHT);
  if (TERM_NAMES.every((t) => p.weights[t] === 0)) issues.push('at least one weight must be positive');
  const n = p.normalization;
  int(n.etaCapSeconds, 'normalization.etaCapSeconds', 1, 86_400);
  int(n.idleCapSeconds, 'normalization.idleCapSeconds', 1, 86_400 * 7);
  int(n.fairnessMinOnlineSeconds, 'normalization.fairnessMinOnlineSeconds', 0, 86_400 * 31);
  int(n.accessibleReservePenalty, 'normalization.accessibleReservePenalty', 0, 10_000);
  int(n.excessSeatPenalty, 'normalization.excessSeatPenalty', 0, 10_000);
  int(p.eta.detourPermille, 'eta.detourPermille', 1000, 5000);
  int(p.eta.pickupOverheadSeconds, 'eta.pickupOverheadSeconds', 0, 3600);
  int(p.eta.utcOffsetMinutes, 'eta.utcOffsetMinutes', -720, 840);
  try {
    assertSpeedProfile(p.eta.speedsKmh);
    for (const k of VEHICLE_KINDS) if (!p.eta.speedsKmh[k]) issues.push(`eta.speedsKmh.${k} is missing`);
  } catch (e) {
    issues.push((e as Error).message);
  }
  for (const job of ['ride', 'delivery'] as const) {
    const kinds = p.vehicleKindsByJob[job];
    if (!Array.isArray(kinds) || !kinds.every((k) => VEHICLE_KINDS.includes(k))) issues.push(`vehicleKindsByJob.${job} lists an unknown kind`);
  }
  return issues;
}

/** Throws MATCHING_POLICY_INVALID listing every problem; call at boot so a bad policy never runs. */
export function assertMatchingPolicy(p: MatchingPolicy): void {
  const issues = matchingPolicyIssues(p);
  if (issues.length > 0) throw new MatchingError('MATCHING_POLICY_INVALID', issues.join('; '));
}
