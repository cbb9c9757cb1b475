import { ringCells } from '@coop/geo';
import { DriverSnapshot } from './driver-state';

/** A driver found by ring expansion, with the grid distance of the ring it was found in. */
export interface FoundDriver {
  driverId: string;
  ring: number;
}

/** Limits of one ring expansion, taken from the policy. */
export interface RingLimits {
  maxRingRadius: number;
  extraRings: number;
  candidateCount: number;
}

/** What a ring expansion saw: every driver in the searched rings, eligible or not, in visit order. */
export interface RingScan {
  ringsSearched: number;
  seen: Array<{ ring: number; driver: DriverSnapshot }>;
}

/** Cells of ring k around an origin; the index passes a cached version. */
export type RingCells = (origin: string, k: number) => readonly string[];

/**
 * Expands hollow rings k = 0, 1, 2 ... around `origin` until `candidateCount` eligible drivers
 * have been seen, then searches `extraRings` more rings (a driver one ring out can be nearer in
 * metres than one at the corner of the current ring), never beyond `maxRingRadius`. A ring is
 * always searched whole, so the result does not depend on the order cells are visited in.
 */
export function expandRings(
  origin: string,
  limits: RingLimits,
  driversIn: (cell: string) => Iterable<DriverSnapshot> | undefined,
  isEligible: (d: DriverSnapshot) => boolean,
  cellsOf: RingCells = ringCells,
): RingScan {
  const seen: Array<{ ring: number; driver: DriverSnapshot }> = [];
  let eligible = 0;
  let stopAt = limits.maxRingRadius;
  let k = 0;
  for (; k <= stopAt; k++) {
    for (const cell of cellsOf(origin, k)) {
      const here = driversIn(cell);
      if (!here) continue;
      for (const d of here) {
        seen.push({ ring: k, driver: d });
        if (isEligible(d)) eligible++;
      }
    }
    if (eligible >= limits.candidateCount && stopAt === limits.maxRingRadius) {
      stopAt = Math.min(limits.maxRingRadius, k + limits.extraRings);
    }
  }
  return { ringsSearched: k - 1, seen };
}
