/** A WGS84 position in degrees, as the client API sends it (API.md "Points"). */
export interface Point {
  lat: number;
  lng: number;
}

/**
 * A WGS84 position in integer microdegrees (about 0.11 m of latitude). Decisions store and
 * compute on this form so that every input of a distance is an exact integer in JSON.
 */
export interface PointE6 {
  latE6: number;
  lngE6: number;
}

/** Quantizes a degree position to integer microdegrees so that decisions compute on exact inputs. */
export function toPointE6(p: Point): PointE6 {
  if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng) || Math.abs(p.lat) > 90 || Math.abs(p.lng) > 180) {
    throw new RangeError(`not a WGS84 point: ${p.lat},${p.lng}`);
  }
  return { latE6: Math.round(p.lat * 1e6), lngE6: Math.round(p.lng * 1e6) };
}

/** Converts microdegrees back to degrees, for h3 and for display. */
export function fromPointE6(p: PointE6): Point {
  return { lat: p.latE6 / 1e6, lng: p.lngE6 / 1e6 };
}
