import type { Point } from '@coop/platform';
import type { TripStatus } from './trip-state-machine';

export type JobKind = 'ride' | 'delivery';
export type VehicleKind = 'car' | 'bike' | 'cargo_bike' | 'van';

/** A trip as stored. Money stays bigint until it is shaped for a client. */
export interface Trip {
  id: string;
  quoteId: string;
  riderId: string;
  kind: JobKind;
  vehicleKind: VehicleKind;
  pickup: Point;
  dropoff: Point;
  status: TripStatus;
  driverId: string | null;
  fareAmount: bigint;
  currency: string;
  policyVersion: number;
  policyHash: string;
  offerCount: number;
  finalFareAmount: bigint | null;
  distanceM: number | null;
  durationS: number | null;
  requestedAt: Date;
  updatedAt: Date;
}
