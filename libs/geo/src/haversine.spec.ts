import fc from 'fast-check';
import { EARTH_RADIUS_M, haversineMetres } from './haversine';
import { toPointE6 } from './point';

function mathHaversine(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const r = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * r) / 2) ** 2 +
    Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lng - a.lng) * r) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

describe('haversineMetres', () => {
  it('is zero for the same point and symmetric', () => {
    const a = toPointE6({ lat: 43.6532, lng: -79.3832 });
    const b = toPointE6({ lat: 43.7, lng: -79.4 });
    expect(haversineMetres(a, a)).toBe(0);
    expect(haversineMetres(a, b)).toBe(haversineMetres(b, a));
  });

  it('matches a known distance: Toronto City Hall to CN Tower is about 1.2 km', () => {
    const d = haversineMetres(toPointE6({ lat: 43.6534, lng: -79.3841 }), toPointE6({ lat: 43.6426, lng: -79.3871 }));
    expect(d).toBeGreaterThan(1150);
    expect(d).toBeLessThan(1250);
  });

  it('agrees with the Math-based formula within a metre anywhere on Earth', () => {
    const pt = fc.record({ lat: fc.double({ min: -89, max: 89, noNaN: true }), lng: fc.double({ min: -179, max: 179, noNaN: true }) });
    fc.assert(
      fc.property(pt, pt, (a, b) => {
        const ea = toPointE6(a);
        const eb = toPointE6(b);
        const exact = mathHaversine({ lat: ea.latE6 / 1e6, lng: ea.lngE6 / 1e6 }, { lat: eb.latE6 / 1e6, lng: eb.lngE6 / 1e6 });
        expect(Math.abs(haversineMetres(ea, eb) - exact)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
