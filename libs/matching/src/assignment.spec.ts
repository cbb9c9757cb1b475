import fc from 'fast-check';
import { assignmentCost, solveAssignment } from './assignment';

/** Best (assigned count, cost) over every injective partial assignment, by exhaustive search. */
function bruteForce(cost: number[][]): { count: number; total: number } {
  const nr = cost.length;
  const nc = nr ? cost[0].length : 0;
  let best = { count: 0, total: 0 };
  const used = new Array<boolean>(nc).fill(false);
  const go = (i: number, count: number, total: number): void => {
    if (i === nr) {
      if (count > best.count || (count === best.count && total < best.total)) best = { count, total };
      return;
    }
    go(i + 1, count, total);
    for (let j = 0; j < nc; j++) {
      if (!used[j] && cost[i][j] !== Infinity) {
        used[j] = true;
        go(i + 1, count + 1, total + cost[i][j]);
        used[j] = false;
      }
    }
  };
  go(0, 0, 0);
  return best;
}

function checkValid(cost: number[][], a: number[]): void {
  expect(a).toHaveLength(cost.length);
  const seen = new Set<number>();
  a.forEach((j, i) => {
    if (j < 0) return;
    expect(j).toBeLessThan(cost[0].length);
    expect(cost[i][j]).not.toBe(Infinity);
    expect(seen.has(j)).toBe(false);
    seen.add(j);
  });
}

const matrix = (maxR: number, maxC: number, forbidP: number, lo = -50, hi = 200) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxR }), fc.integer({ min: 1, max: maxC }))
    .chain(([r, c]) =>
      fc.array(
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: lo, max: hi })).map(([p, x]) => (p < forbidP ? Infinity : x)),
          { minLength: c, maxLength: c },
        ),
        { minLength: r, maxLength: r },
      ),
    );

describe('solveAssignment', () => {
  it('equals the brute-force optimum on small random matrices (rectangular both ways, forbidden pairs)', () => {
    for (const forbidP of [0, 0.3, 0.7]) {
      fc.assert(
        fc.property(matrix(6, 6, forbidP), (cost) => {
          const a = solveAssignment(cost);
          checkValid(cost, a);
          const best = bruteForce(cost);
          expect(a.filter((j) => j >= 0)).toHaveLength(best.count);
          expect(assignmentCost(cost, a)).toBe(best.total);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('handles ties and many equal costs', () => {
    fc.assert(
      fc.property(matrix(6, 6, 0.2, 0, 2), (cost) => {
        const a = solveAssignment(cost);
        checkValid(cost, a);
        expect(assignmentCost(cost, a)).toBe(bruteForce(cost).total);
      }),
      { numRuns: 300 },
    );
  });

  it('square matrices (JV initialization path) match brute force, ties included', () => {
    const square = fc.integer({ min: 2, max: 7 }).chain((k) =>
      fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -1000, max: 1000 }), fc.constant(Infinity)), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }),
    );
    fc.assert(
      fc.property(square, (cost) => {
        const a = solveAssignment(cost);
        checkValid(cost, a);
        const best = bruteForce(cost);
        expect(a.filter((j) => j >= 0)).toHaveLength(best.count);
        expect(assignmentCost(cost, a)).toBe(best.total);
      }),
      { numRuns: 500 },
    );
  });

  it('square and rectangular code paths agree on larger matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 60 }), fc.integer(), (k, seed) => {
        let s = seed >>> 0;
        const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
        const cost = Array.from({ length: k }, () => Array.from({ length: k }, () => (rnd() < 0.1 ? Infinity : Math.floor(rnd() * 1e6))));
        const widened = cost.map((row) => [...row, Infinity]);
        const a = solveAssignment(cost);
        const b = solveAssignment(widened);
        expect(a.filter((j) => j >= 0).length).toBe(b.filter((j) => j >= 0).length);
        expect(assignmentCost(cost, a)).toBe(assignmentCost(widened, b));
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic: the same matrix gives the same assignment', () => {
    const cost = [
      [1, 1, 1],
      [1, 1, 1],
    ];
    expect(solveAssignment(cost)).toEqual([0, 1]);
    expect(solveAssignment(cost)).toEqual(solveAssignment(cost.map((r) => [...r])));
  });

  it('covers edge shapes: empty, no columns, all forbidden, single', () => {
    expect(solveAssignment([])).toEqual([]);
    expect(solveAssignment([[], []])).toEqual([-1, -1]);
    expect(solveAssignment([[Infinity, Infinity]])).toEqual([-1]);
    expect(solveAssignment([[5]])).toEqual([0]);
  });

  it('prefers assigning more rows over a lower total', () => {
    // row 0 alone would take column 0 at cost 0; assigning both rows costs 1000 + 1000
    expect(solveAssignment([[0, 1000], [0, Infinity]])).toEqual([1, 0]);
  });

  it('rejects NaN, -Infinity and ragged rows', () => {
    expect(() => solveAssignment([[NaN]])).toThrow();
    expect(() => solveAssignment([[-Infinity]])).toThrow();
    expect(() => solveAssignment([[1, 2], [3]])).toThrow();
  });
});
