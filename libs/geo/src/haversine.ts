import { detAsin, detCos, detSin, detSqrt } from './det-math';
import { PointE6 } from './point';

/** Mean Earth radius R1 = (2a + b) / 3 of WGS84, in metres (Moritz, Geodetic Reference System 1980). */
export const EARTH_RADIUS_M = 6371008.8;

const RAD_PER_E6 = 3.141592653589793 / 180e6;

/**
 * Great-circle distance in whole metres by the haversine formula
 * d = 2R asin(sqrt(sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2))) (Sinnott 1984),
 * with deterministic trigonometry so the same two points give the same integer on any machine.
 */
export function haversineMetres(a: PointE6, b: PointE6): number {
  const phi1 = a.latE6 * RAD_PER_E6;
  const phi2 = b.latE6 * RAD_PER_E6;
  const sDphi = detSin(((b.latE6 - a.latE6) * RAD_PER_E6) / 2);
  const sDlam = detSin(((b.lngE6 - a.lngE6) * RAD_PER_E6) / 2);
  let h = sDphi * sDphi + detCos(phi1) * detCos(phi2) * sDlam * sDlam;
  if (h > 1) h = 1;
  return Math.round(2 * EARTH_RADIUS_M * detAsin(detSqrt(h)));
}
