import { ExclusionReason, exclusionReason } from './constraints';
import { DriverSnapshot } from './driver-state';
import { CandidateFeatures, RoutedEta, measureFeatures } from './features';
import { RecordedRequest, compareIds } from './job';
import { MatchingPolicy } from './matching-policy';

/** A driver who passed every hard constraint, with measured features. */
export interface EligibleCandidate {
  driverId: string;
  features: CandidateFeatures;
}

/** A driver found near the pickup but not scored, and why. */
export interface Exclusion {
  driverId: string;
  reason: ExclusionReason;
}

/** The outcome of screening the drivers a ring search found. */
export interface CandidateSet {
  /** Eligible candidates, quickest first (ETA, then distance, then driver id). */
  candidates: EligibleCandidate[];
  /** Every other driver found, sorted by driver id. */
  exclusions: Exclusion[];
}

/**
 * Applies the hard constraints, measures features, drops ETAs over the policy maximum and keeps
 * the `candidateCount` quickest; everything dropped is listed with its reason. Pure: replay
 * runs exactly this on the recorded snapshots.
 */
export function screenCandidates(
  req: RecordedRequest,
  drivers: readonly DriverSnapshot[],
  nowMs: number,
  policy: MatchingPolicy,
  routedEtas: readonly RoutedEta[],
): CandidateSet {
  const routed = new Map(routedEtas.map((r) => [r.driverId, r.etaSeconds]));
  const exclusions: Exclusion[] = [];
  const eligible: EligibleCandidate[] = [];
  for (const d of drivers) {
    const reason = exclusionReason(d, req, nowMs, policy);
    if (reason) {
      exclusions.push({ driverId: d.driverId, reason });
      continue;
    }
    const features = measureFeatures(d, req, nowMs, policy, routed.get(d.driverId) ?? null);
    if (features.etaSeconds > policy.maxPickupEtaSeconds) exclusions.push({ driverId: d.driverId, reason: 'eta_above_max' });
    else eligible.push({ driverId: d.driverId, features });
  }
  eligible.sort(quickestFirst);
  for (const c of eligible.slice(policy.candidateCount)) {
    exclusions.push({ driverId: c.driverId, reason: 'beyond_candidate_count' });
  }
  exclusions.sort((a, b) => compareIds(a.driverId, b.driverId));
  return { candidates: eligible.slice(0, policy.candidateCount), exclusions };
}

/** Quickest to the pickup first: ETA, then distance, then driver id (a total order). */
function quickestFirst(a: EligibleCandidate, b: EligibleCandidate): number {
  return (
    a.features.etaSeconds - b.features.etaSeconds ||
    a.features.distanceM - b.features.distanceM ||
    compareIds(a.driverId, b.driverId)
  );
}
