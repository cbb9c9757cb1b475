import fc from 'fast-check';
import { DomainError } from '@coop/platform';
import { locationFixSchema } from './driver-events.schemas';
import { readLocationFix } from './location-fix';

/** What zod says of a body: its data, or the issues of VALIDATION_FAILED. */
function viaZod(body: unknown) {
  const r = locationFixSchema.safeParse(body);
  return r.success ? { ok: true as const, data: r.data } : { ok: false as const };
}

function viaFast(body: unknown) {
  try {
    return { ok: true as const, data: readLocationFix(body) };
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    return { ok: false as const };
  }
}

const number = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer({ min: -400, max: 400 }),
  fc.constantFrom(90, -90, 180, -180, 0, 360, 300, 90.000001, -0, Infinity, -Infinity, NaN),
);
const isoTime = fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
const at = fc.oneof(
  isoTime,
  isoTime.map((s) => s.replace('Z', '+05:30')),
  isoTime.map((s) => s.replace('.', ',')),
  isoTime.map((s) => s.slice(0, 19)), // no offset: refused
  fc.constantFrom('2026-02-29T00:00:00Z', '2028-02-29T00:00:00Z', '2026-13-01T00:00:00Z', 'yesterday', '', '2026-12-07T24:00:00Z'),
  fc.string(),
);
const value = fc.oneof(number, at, fc.constant(undefined), fc.constant(null), fc.boolean(), fc.constant('45.5'));
const body = fc.oneof(
  fc.record({ lat: value, lng: value, heading: value, speedKmh: value, at: value }, { requiredKeys: [] }),
  fc.record({ lat: number, lng: number, heading: number, speedKmh: number, at }, { requiredKeys: ['lat', 'lng', 'at'] }),
  fc.record({ lat: number, lng: number, at, extra: value }, { requiredKeys: ['lat', 'lng', 'at'] }),
  fc.anything(),
);

describe('readLocationFix', () => {
  it('accepts and refuses exactly what the zod schema does, with the same data', () => {
    fc.assert(
      fc.property(body, (b) => {
        expect(viaFast(b)).toEqual(viaZod(b));
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes a typical fix, keeps optional fields, and refuses bad ones with VALIDATION_FAILED', () => {
    const at = '2026-12-07T02:00:00.000Z';
    expect(readLocationFix({ lat: 45.5, lng: -73.56, at })).toEqual({ lat: 45.5, lng: -73.56, at });
    expect(readLocationFix({ lat: 45.5, lng: -73.56, heading: 90, speedKmh: 30, at })).toEqual({ lat: 45.5, lng: -73.56, heading: 90, speedKmh: 30, at });
    for (const bad of [{ lat: 91, lng: 0, at }, { lat: 45.5, lng: -73.5 }, { lat: 45.5, lng: -73.5, at: 'yesterday' }, { lat: 1, lng: 1, at, x: 1 }, null, 'hello', [1, 2]]) {
      expect(() => readLocationFix(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
  });
});
