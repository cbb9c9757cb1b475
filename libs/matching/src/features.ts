import { floorDiv, haversineMetres, modelEtaSeconds } from '@coop/geo';
import { fixAgeSeconds } from './constraints';
import { DriverSnapshot } from './driver-state';
import { RecordedRequest } from './job';
import { MatchingPolicy } from './matching-policy';

/** A pickup ETA the app obtained from a road router, recorded so replay needs no router. */
export interface RoutedEta {
  driverId: string;
  etaSeconds: number;
}

/** The measured, integer features of one candidate for one request; scores derive from these alone. */
export interface CandidateFeatures {
  /** Straight-line distance to the pickup, whole metres (deterministic haversine). */
  distanceM: number;
  /** Pickup ETA, whole seconds. */
  etaSeconds: number;
  etaSource: 'model' | 'router';
  /** Seconds since the driver last became free after a trip (or came online). */
  idleSeconds: number;
  /** Age of the last location fix, whole seconds. */
  fixAgeSeconds: number;
  /** Earnings per online hour this period (minor units), or null below the minimum online time. */
  earningsPerHourMinor: number | null;
  /** Seats beyond what a ride asked for (0 for deliveries). */
  excessSeats: number;
  /** An accessible vehicle on a job that does not need one. */
  accessibleUnneeded: boolean;
}

/** Earnings per online hour in whole minor units, floor(earned * 3600 / seconds); null when too little time online to say. */
export function earningsPerHour(d: DriverSnapshot, minOnlineSeconds: number): number | null {
  if (d.onlineSeconds <= 0 || d.onlineSeconds < minOnlineSeconds) return null;
  return floorDiv(d.earnedMinor * 3600, d.onlineSeconds);
}

/** Measures a driver against a request at `nowMs`; a routed ETA, when given, replaces the model's. */
export function measureFeatures(
  d: DriverSnapshot,
  req: RecordedRequest,
  nowMs: number,
  policy: MatchingPolicy,
  routedEtaSeconds: number | null,
): CandidateFeatures {
  const distanceM = haversineMetres(d.position, req.pickup);
  return {
    distanceM,
    etaSeconds: routedEtaSeconds ?? modelEtaSeconds(distanceM, d.vehicle.kind, nowMs, policy.eta),
    etaSource: routedEtaSeconds === null ? 'model' : 'router',
    idleSeconds: nowMs > d.idleSinceMs ? floorDiv(nowMs - d.idleSinceMs, 1000) : 0,
    fixAgeSeconds: fixAgeSeconds(d, nowMs),
    earningsPerHourMinor: earningsPerHour(d, policy.normalization.fairnessMinOnlineSeconds),
    excessSeats: req.kind === 'ride' ? Math.max(0, d.vehicle.seats - req.seats) : 0,
    accessibleUnneeded: d.vehicle.accessible && !req.accessible,
  };
}
