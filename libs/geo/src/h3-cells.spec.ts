import { cellDistance, cellOf, ringCells } from './h3-cells';

describe('h3 helpers', () => {
  it('gives hollow rings of 6k cells at grid distance k', () => {
    const o = cellOf({ latE6: 43_653_200, lngE6: -79_383_200 }, 9);
    expect(ringCells(o, 0)).toEqual([o]);
    for (const k of [1, 2, 3]) {
      const ring = ringCells(o, k);
      expect(ring).toHaveLength(6 * k);
      expect(ring.every((c) => cellDistance(o, c) === k)).toBe(true);
    }
  });
});
