import { z } from 'zod';
import { parseInput } from '@coop/platform';
import { locationFixSchema } from './driver-events.schemas';

/** A validated `driver:location` body. */
export type LocationFix = z.infer<typeof locationFixSchema>;

// zod's own ISO 8601 date-time pattern with an offset, the one `z.string().datetime({ offset: true })` checks.
const DATETIME = z.core.regexes.datetime({ offset: true });
const FIELDS = new Set(['lat', 'lng', 'heading', 'speedKmh', 'at']);

const inRange = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && v >= min && v <= max; // NaN and ±Infinity fail
const optionalInRange = (v: unknown, min: number, max: number) => v === undefined || inRange(v, min, max);

/**
 * Validates a fix body as `locationFixSchema` does. A fix arrives thousands of times a
 * second, so the common, valid shape is checked by hand (about a tenth of zod's cost);
 * anything this check does not accept goes to zod, which either accepts it after all or
 * throws the usual VALIDATION_FAILED with zod's issues. The hand check accepts only what
 * zod accepts (location-fix.spec.ts checks it against zod on generated bodies).
 */
export function readLocationFix(body: unknown): LocationFix {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    let known = true;
    for (const key in b) if (!FIELDS.has(key)) known = false;
    if (
      known &&
      inRange(b.lat, -90, 90) &&
      inRange(b.lng, -180, 180) &&
      optionalInRange(b.heading, 0, 360) &&
      optionalInRange(b.speedKmh, 0, 300) &&
      typeof b.at === 'string' &&
      DATETIME.test(b.at)
    ) {
      const fix: LocationFix = { lat: b.lat, lng: b.lng, at: b.at };
      if ('heading' in b) fix.heading = b.heading as number | undefined;
      if ('speedKmh' in b) fix.speedKmh = b.speedKmh as number | undefined;
      return fix;
    }
  }
  return parseInput(locationFixSchema, body);
}
