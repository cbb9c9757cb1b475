import type { VehicleKind } from '../trips/trip.types';

export type DriverAvailability = 'free' | 'offered' | 'on_trip';

export interface Vehicle {
  kind: VehicleKind;
  seats: number;
  accessible: boolean;
}

/** What the system knows of an online driver, as shared through Redis. */
export interface DriverPresence {
  driverId: string;
  lat: number;
  lng: number;
  headingDeg: number | null;
  vehicle: Vehicle;
  /** When the last fix was taken (the driver's `at`, clamped to the server's clock). */
  fixAtMs: number;
  onlineSinceMs: number;
  /** Since when the driver has been free: the idle-time term of the scoring reads it. */
  idleSinceMs: number;
  availability: DriverAvailability;
  /** The trip the driver is driving, so location fixes can be forwarded to its rider. */
  activeTripId?: string | null;
  activeRiderId?: string | null;
  /** Bumped on every availability change, so a reconciler can write only over what it read. */
  rev?: number;
  /** This fairness period's online seconds and earnings (minor units), from the database. */
  onlineSeconds?: number;
  earnedMinor?: number;
  /** The online session this presence belongs to, and when its last sighting was stored. */
  sessionId?: string | null;
  sessionTouchedMs?: number;
}
