import fc from 'fast-check';
import { detAsin, detCos, detSin, detSqrt } from './det-math';

describe('deterministic math', () => {
  it('sin and cos agree with Math within 1e-14 over several turns', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (x) => {
        expect(Math.abs(detSin(x) - Math.sin(x))).toBeLessThan(1e-14);
        expect(Math.abs(detCos(x) - Math.cos(x))).toBeLessThan(1e-14);
      }),
    );
  });

  it('asin and sqrt agree with Math on their domains', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => {
        expect(Math.abs(detAsin(x) - Math.asin(x))).toBeLessThan(1e-14);
        expect(Math.abs(detSqrt(x) - Math.sqrt(x))).toBeLessThanOrEqual(Math.sqrt(x) * 1e-15);
      }),
    );
    expect(detSqrt(0)).toBe(0);
    expect(detSqrt(1e12)).toBe(1e6);
    expect(detAsin(1)).toBe(Math.PI / 2);
  });
});
