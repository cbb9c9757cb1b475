import { Point, PointE6, VehicleKind, toPointE6 } from '@coop/geo';
import { JobKind } from './matching-policy';

/** A trip that needs a driver, as the app hands it to the matcher. */
export interface MatchRequest {
  /** The trip id; decisions and tie-breaks refer to it. */
  requestId: string;
  kind: JobKind;
  pickup: Point;
  /** A vehicle kind the rider asked for, or null for any kind the policy allows. */
  vehicleKind: VehicleKind | null;
  /** Seats needed (rides); 0 for deliveries. */
  seats: number;
  /** Whether the rider needs an accessible vehicle. */
  accessible: boolean;
  /** Drivers this trip was already offered to (declined or timed out): not offered again. */
  excludedDriverIds: readonly string[];
}

/** The request as recorded in a decision: microdegree pickup, sorted exclusions, plain JSON. */
export interface RecordedRequest {
  requestId: string;
  kind: JobKind;
  pickup: PointE6;
  vehicleKind: VehicleKind | null;
  seats: number;
  accessible: boolean;
  excludedDriverIds: string[];
}

/** Normalizes a request into its recorded form, so live decisions and replays see identical inputs. */
export function recordRequest(r: MatchRequest): RecordedRequest {
  return {
    requestId: r.requestId,
    kind: r.kind,
    pickup: toPointE6(r.pickup),
    vehicleKind: r.vehicleKind ?? null,
    seats: r.seats,
    accessible: r.accessible,
    excludedDriverIds: [...new Set(r.excludedDriverIds)].sort(compareIds),
  };
}

/** Orders ids by UTF-16 code units: locale-independent, so every machine sorts alike. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
