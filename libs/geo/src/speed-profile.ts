import { VehicleKind } from './vehicle';

/**
 * Average door-to-door speed in whole km/h for each local hour 0..23, per vehicle kind.
 * Integers so an ETA is an exact function of its inputs.
 */
export type SpeedProfile = Readonly<Record<VehicleKind, readonly number[]>>;

/** Builds a 24-hour car-like profile: night, day and rush-hour speeds (rush 7-9 and 16-18 local). */
export function rushHourProfile(nightKmh: number, dayKmh: number, rushKmh: number): number[] {
  return Array.from({ length: 24 }, (_, h) =>
    h >= 7 && h < 10 ? rushKmh : h >= 16 && h < 19 ? rushKmh : h >= 22 || h < 6 ? nightKmh : dayKmh,
  );
}

/**
 * A starting profile for a mid-size North American city. Car figures follow the order of
 * magnitude of published urban averages (about 20-30 km/h by day, slower at rush hour);
 * cycling figures are typical commuter speeds and barely depend on traffic. Co-ops should
 * replace them with speeds measured from their own completed trips.
 */
export const DEFAULT_SPEED_PROFILE: SpeedProfile = {
  bike: Array.from({ length: 24 }, () => 15),
  cargo_bike: Array.from({ length: 24 }, () => 12),
  car: rushHourProfile(38, 26, 17),
  van: rushHourProfile(34, 24, 15),
};

/** Throws unless every kind has 24 positive integer speeds; policy validation calls this once. */
export function assertSpeedProfile(p: SpeedProfile): void {
  for (const [kind, speeds] of Object.entries(p)) {
    if (speeds.length !== 24 || !speeds.every((s) => Number.isSafeInteger(s) && s > 0)) {
      throw new RangeError(`speed profile for ${kind} needs 24 positive integer km/h values`);
    }
  }
}
