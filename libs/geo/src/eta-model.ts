import { ceilDiv, floorDiv } from './int-math';
import { SpeedProfile } from './speed-profile';
import { VehicleKind } from './vehicle';

/** Parameters of the straight-line ETA model; all integers so an ETA replays exactly. */
export interface EtaModelParams {
  /** Road distance / straight-line distance, in thousandths (1300 = 1.3). */
  detourPermille: number;
  /** Fixed seconds added to every pickup (parking, finding the rider). */
  pickupOverheadSeconds: number;
  /** Offset of the co-op's local time from UTC in minutes (fixed: DST is not modelled). */
  utcOffsetMinutes: number;
  /** Speed by vehicle kind and local hour. */
  speedsKmh: SpeedProfile;
}

const MS_PER_DAY = 86_400_000;

/** Local hour 0..23 of an epoch-millisecond instant at a fixed UTC offset; picks the speed slot. */
export function localHour(nowMs: number, utcOffsetMinutes: number): number {
  const local = nowMs + utcOffsetMinutes * 60_000;
  const msOfDay = local - floorDiv(local, MS_PER_DAY) * MS_PER_DAY;
  return floorDiv(msOfDay, 3_600_000);
}

/**
 * ETA in whole seconds: overhead + ceil(road / speed), road = ceil(straight * detour).
 * Straight-line distance times a circuity (detour) factor is the usual router-free estimate
 * (Boscoe, Henry and Zdeb 2012 measure US road circuity around 1.2-1.4).
 */
export function modelEtaSeconds(distanceM: number, kind: VehicleKind, nowMs: number, p: EtaModelParams): number {
  const roadM = ceilDiv(distanceM * p.detourPermille, 1000);
  const kmh = p.speedsKmh[kind][localHour(nowMs, p.utcOffsetMinutes)];
  // seconds = metres / (kmh * 1000 / 3600) = metres * 18 / (kmh * 5)
  return p.pickupOverheadSeconds + ceilDiv(roadM * 18, kmh * 5);
}
