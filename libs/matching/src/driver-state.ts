import { PointE6, VehicleKind } from '@coop/geo';

/** Where a driver is in the offer cycle; only `free` drivers can be offered a job. */
export type DriverStatus = 'free' | 'offered' | 'on_trip';

/** The vehicle a driver went online with (API.md `driver:online`). */
export interface Vehicle {
  kind: VehicleKind;
  seats: number;
  accessible: boolean;
}

/**
 * A driver as the matcher saw them at decision time: plain JSON, all integers, so it can be
 * logged and replayed. Earnings feed the fairness term and come from the ledger, not from here.
 */
export interface DriverSnapshot {
  driverId: string;
  status: DriverStatus;
  vehicle: Vehicle;
  position: PointE6;
  /** Time of the last location fix (epoch ms, the device's `at`). */
  fixAtMs: number;
  /** Since when the driver has been free without a trip (epoch ms). Declining an offer does not reset it. */
  idleSinceMs: number;
  /** Earnings this period, minor units. */
  earnedMinor: number;
  /** Seconds online this period. */
  onlineSeconds: number;
}
