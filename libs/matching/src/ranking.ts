import { compareIds } from './job';
import { ScoredCandidate } from './decision-record';

/** Immediate-mode order, best first: score desc, then ETA, distance and driver id ascending (IMMEDIATE_RULE). */
export function bestFirst(a: ScoredCandidate, b: ScoredCandidate): number {
  return (
    b.score - a.score ||
    a.features.etaSeconds - b.features.etaSeconds ||
    a.features.distanceM - b.features.distanceM ||
    compareIds(a.driverId, b.driverId)
  );
}
