import { gridDistance, gridRing, latLngToCell } from 'h3-js';
import { PointE6 } from './point';

/** The H3 cell (hex string) holding a microdegree point at a resolution; keys the supply index. */
export function cellOf(p: PointE6, resolution: number): string {
  return latLngToCell(p.latE6 / 1e6, p.lngE6 / 1e6, resolution);
}

/** Cells at exactly grid distance k from `origin` (the hollow ring), for ring expansion. */
export function ringCells(origin: string, k: number): string[] {
  return k === 0 ? [origin] : gridRing(origin, k);
}

/** Grid distance between two cells of the same resolution, or -1 where H3 cannot compute it. */
export function cellDistance(a: string, b: string): number {
  try {
    return gridDistance(a, b);
  } catch {
    return -1;
  }
}
