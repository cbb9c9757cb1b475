import { DriverSnapshot } from './driver-state';
import { RecordedRequest } from './job';
import { MatchingPolicy } from './matching-policy';

/** Why a driver found near the pickup was not scored; each one is recorded in the decision. */
export type ExclusionReason =
  | 'on_trip'
  | 'holding_offer'
  | 'already_offered_this_trip'
  | 'stale_fix'
  | 'vehicle_kind_not_allowed'
  | 'insufficient_seats'
  | 'not_accessible'
  | 'eta_above_max'
  | 'beyond_candidate_count';

/** Age of a driver's last fix in whole seconds (a fix stamped in the future counts as fresh). */
export function fixAgeSeconds(d: DriverSnapshot, nowMs: number): number {
  return d.fixAtMs >= nowMs ? 0 : Math.floor((nowMs - d.fixAtMs) / 1000);
}

/**
 * The first hard constraint a driver fails for a request, or null if they may be scored.
 * Checked in a fixed order so the recorded reason is the same on replay.
 */
export function exclusionReason(
  d: DriverSnapshot,
  req: RecordedRequest,
  nowMs: number,
  policy: MatchingPolicy,
): ExclusionReason | null {
  if (d.status === 'on_trip') return 'on_trip';
  if (d.status === 'offered') return 'holding_offer';
  if (req.excludedDriverIds.includes(d.driverId)) return 'already_offered_this_trip';
  if (nowMs - d.fixAtMs > policy.staleFixSeconds * 1000) return 'stale_fix';
  const kinds = policy.vehicleKindsByJob[req.kind];
  if (!kinds.includes(d.vehicle.kind) || (req.vehicleKind !== null && req.vehicleKind !== d.vehicle.kind)) {
    return 'vehicle_kind_not_allowed';
  }
  if (req.kind === 'ride' && d.vehicle.seats < req.seats) return 'insufficient_seats';
  if (req.accessible && !d.vehicle.accessible) return 'not_accessible';
  return null;
}
