import { MatchingError } from './errors';

/**
 * Rectangular linear assignment with forbidden pairs.
 *
 * Objective: assign as many rows as possible to distinct columns (a row may only take a column
 * whose cost is finite), and among those assignments take one of least total cost.
 *
 * Method: the shortest augmenting path algorithm of Jonker and Volgenant ("A shortest augmenting
 * path algorithm for dense and sparse linear assignment problems", Computing 38, 1987) in the
 * rectangular form of Crouse ("On implementing 2D rectangular assignment algorithms", IEEE TAES
 * 52(4), 2016), started from JV's column reduction, reduction transfer and augmenting row
 * reduction when square, or from a greedy row reduction when rectangular. Rows are made the shorter side by
 * transposing. Forbidden pairs get the cost BIG = n * (max - min + 1) over the shifted finite
 * costs, which exceeds any difference in finite totals, so one more real pair always beats any
 * saving; rows left on a BIG pair are reported unassigned. With integer costs every
 * intermediate value (duals, path lengths) is an integer below n * BIG, so the result is exact
 * and identical on every machine while n^2 * (max - min) stays below 2^53.
 *
 * Tie-break: every step is a fixed function of the matrix (JV initialization in its published
 * order, then rows augmented in index order, each Dijkstra step taking the column with the
 * smallest path length, a free column before an assigned one, then the lowest index), so among
 * equal-cost optima the same one is returned for the same matrix on every machine.
 */

/** Solves the assignment; `cost[i][j]` is the cost of row i taking column j, Infinity if forbidden. Returns row -> column, -1 for unassigned rows. */
export function solveAssignment(cost: ReadonlyArray<ArrayLike<number>>): number[] {
  const nr = cost.length;
  const nc = nr === 0 ? 0 : cost[0].length;
  validate(cost, nr, nc);
  if (nr === 0) return [];
  if (nc === 0) return new Array<number>(nr).fill(-1);
  const transpose = nr > nc;
  const n = transpose ? nc : nr;
  const m = transpose ? nr : nc;
  const at = transpose ? (i: number, j: number) => cost[j][i] : (i: number, j: number) => cost[i][j];
  const c = prepare(at, n, m);
  const col4row = shortestAugmentingPaths(c, n, m);
  const out = new Array<number>(nr).fill(-1);
  for (let i = 0; i < n; i++) {
    const j = col4row[i];
    if (at(i, j) === Infinity) continue;
    if (transpose) out[j] = i;
    else out[i] = j;
  }
  return out;
}

/** Total cost of an assignment (unassigned rows add nothing); handy for callers and tests. */
export function assignmentCost(cost: ReadonlyArray<ArrayLike<number>>, rowToCol: readonly number[]): number {
  let s = 0;
  rowToCol.forEach((j, i) => {
    if (j >= 0) s += cost[i][j];
  });
  return s;
}

function validate(cost: ReadonlyArray<ArrayLike<number>>, nr: number, nc: number): void {
  for (let i = 0; i < nr; i++) {
    const row = cost[i];
    if (row.length !== nc) throw new MatchingError('MATCHING_ASSIGNMENT_INPUT', 'cost matrix rows differ in length');
    for (let j = 0; j < nc; j++) {
      const x = row[j];
      if (Number.isNaN(x) || x === -Infinity) {
        throw new MatchingError('MATCHING_ASSIGNMENT_INPUT', `cost[${i}][${j}] must be finite or +Infinity`);
      }
    }
  }
}

/** Flattens to n x m (n <= m), shifting finite costs to start at 0 and replacing Infinity by BIG. */
function prepare(at: (i: number, j: number) => number, n: number, m: number): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  let forbidden = false;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const x = at(i, j);
      if (x === Infinity) forbidden = true;
      else {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
  }
  if (lo === Infinity) lo = hi = 0;
  const big = forbidden ? n * (hi - lo + 1) : 0;
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const x = at(i, j);
      c[i * m + j] = x === Infinity ? big : x - lo;
    }
  }
  return c;
}

/** JV / Crouse shortest augmenting paths on a finite n x m matrix, n <= m; returns column per row. */
function shortestAugmentingPaths(c: Float64Array, n: number, m: number): Int32Array {
  const u = new Float64Array(n);
  const v = new Float64Array(m);
  const col4row = new Int32Array(n).fill(-1);
  const row4col = new Int32Array(m).fill(-1);
  if (n === m && n >= 2) jvInitialization(c, n, u, v, col4row, row4col);
  else rowReduction(c, n, m, u, col4row, row4col);

  const spc = new Float64Array(m);
  const path = new Int32Array(m);
  const sr = new Uint8Array(n);
  const sc = new Uint8Array(m);
  const srList = new Int32Array(n);
  const scList = new Int32Array(m);

  for (let cur = 0; cur < n; cur++) {
    if (col4row[cur] !== -1) continue;
    spc.fill(Infinity);
    let nsr = 0;
    let nsc = 0;
    let minVal = 0;
    let i = cur;
    let sink = -1;
    while (sink === -1) {
      sr[i] = 1;
      srList[nsr++] = i;
      let lowest = Infinity;
      let lowJ = -1;
      const base = i * m;
      const ui = u[i];
      // Columns in index order (sequential memory); strict < keeps the lowest index on ties.
      for (let j = 0; j < m; j++) {
        if (sc[j] === 1) continue;
        const r = minVal + c[base + j] - ui - v[j];
        if (r < spc[j]) {
          path[j] = i;
          spc[j] = r;
        }
        const s = spc[j];
        if (s < lowest || (s === lowest && row4col[j] === -1 && row4col[lowJ] !== -1)) {
          lowest = s;
          lowJ = j;
        }
      }
      minVal = lowest;
      const j = lowJ;
      if (row4col[j] === -1) sink = j;
      else i = row4col[j];
      sc[j] = 1;
      scList[nsc++] = j;
    }
    u[cur] += minVal;
    for (let k = 0; k < nsr; k++) {
      const r = srList[k];
      if (r !== cur) u[r] += minVal - spc[col4row[r]];
      sr[r] = 0;
    }
    for (let k = 0; k < nsc; k++) {
      const j = scList[k];
      v[j] -= minVal - spc[j];
      sc[j] = 0;
    }
    let j = sink;
    for (;;) {
      const r = path[j];
      row4col[j] = r;
      const prev = col4row[r];
      col4row[r] = j;
      if (r === cur) break;
      j = prev;
    }
  }
  return col4row;
}

/**
 * Row reduction (the rectangular counterpart of JV's column reduction): u[i] = min over columns
 * of c[i][j] with v = 0 keeps every reduced cost >= 0 and every column dual at 0, as the
 * rectangular optimality conditions require of unassigned columns (Crouse 2016, section III);
 * a row whose minimum column (lowest index on ties) is still free takes it on a tight edge.
 */
function rowReduction(c: Float64Array, n: number, m: number, u: Float64Array, col4row: Int32Array, row4col: Int32Array): void {
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let bj = -1;
    const base = i * m;
    for (let j = 0; j < m; j++) {
      const x = c[base + j];
      if (x < best) {
        best = x;
        bj = j;
      }
    }
    u[i] = best;
    if (row4col[bj] === -1) {
      col4row[i] = bj;
      row4col[bj] = i;
    }
  }
}

/**
 * JV's initialization for square problems (Jonker and Volgenant 1987, section 4): column
 * reduction with reduction transfer, then two rounds of augmenting row reduction. It leaves
 * column duals v and a partial assignment in which every assigned row sits on a column of
 * least reduced cost; the row duals u follow from v. On dense random matrices this leaves
 * few rows for the shortest-path phase, which is where JV gets its speed.
 */
function jvInitialization(c: Float64Array, n: number, u: Float64Array, v: Float64Array, col4row: Int32Array, row4col: Int32Array): void {
  // Column reduction: v[j] = min_i c[i][j], remembering the (lowest) minimizing row.
  for (let j = 0; j < n; j++) {
    v[j] = Infinity;
    row4col[j] = 0;
  }
  for (let i = 0; i < n; i++) {
    const base = i * n;
    for (let j = 0; j < n; j++) {
      const x = c[base + j];
      if (x < v[j]) {
        v[j] = x;
        row4col[j] = i;
      }
    }
  }
  // Give each row at most one of the columns it minimizes (highest column index first, as JV).
  const unique = new Uint8Array(n).fill(1);
  for (let j = n - 1; j >= 0; j--) {
    const i = row4col[j];
    if (col4row[i] < 0) col4row[i] = j;
    else {
      unique[i] = 0;
      row4col[j] = -1;
    }
  }
  // Reduction transfer: a row alone on its column passes its slack to that column's dual.
  let free = new Int32Array(n);
  let nFree = 0;
  for (let i = 0; i < n; i++) {
    if (col4row[i] < 0) free[nFree++] = i;
    else if (unique[i] === 1) {
      const j = col4row[i];
      let min = Infinity;
      const base = i * n;
      for (let j2 = 0; j2 < n; j2++) {
        if (j2 === j) continue;
        const r = c[base + j2] - v[j2];
        if (r < min) min = r;
      }
      v[j] -= min;
    }
  }
  for (let round = 0; round < 2 && nFree > 0; round++) {
    const next = new Int32Array(n);
    nFree = augmentingRowReduction(c, n, v, col4row, row4col, free, nFree, next);
    free = next;
  }
  // Row duals: each row's least reduced cost (its own column's, when assigned).
  for (let i = 0; i < n; i++) {
    let min = Infinity;
    const base = i * n;
    for (let j = 0; j < n; j++) {
      const r = c[base + j] - v[j];
      if (r < min) min = r;
    }
    u[i] = min;
  }
}

/**
 * One round of JV's augmenting row reduction: each free row takes its cheapest column
 * (reduced by v), lowering that column's dual to the second-cheapest level, and the row it
 * displaces is reprocessed at once when the dual fell, or queued for the next round otherwise.
 * Returns how many rows are left free (listed in `next`).
 */
function augmentingRowReduction(
  c: Float64Array, n: number, v: Float64Array, col4row: Int32Array, row4col: Int32Array,
  free: Int32Array, nFree: number, next: Int32Array,
): number {
  let current = 0;
  let nNext = 0;
  let steps = 0;
  const queue = free;
  while (current < nFree) {
    steps++;
    const i = queue[current++];
    const base = i * n;
    let j1 = 0;
    let v1 = c[base] - v[0];
    let j2 = -1;
    let v2 = Infinity;
    for (let j = 1; j < n; j++) {
      const r = c[base + j] - v[j];
      if (r < v2) {
        if (r >= v1) {
          v2 = r;
          j2 = j;
        } else {
          v2 = v1;
          v1 = r;
          j2 = j1;
          j1 = j;
        }
      }
    }
    let i0 = row4col[j1];
    const lowered = v[j1] - (v2 - v1);
    const lowers = lowered < v[j1];
    if (steps < current * n) {
      if (lowers) v[j1] = lowered;
      else if (i0 >= 0 && j2 >= 0) {
        j1 = j2;
        i0 = row4col[j2];
      }
      if (i0 >= 0) {
        if (lowers) queue[--current] = i0;
        else next[nNext++] = i0;
      }
    } else if (i0 >= 0) {
      next[nNext++] = i0;
    }
    if (i0 >= 0) col4row[i0] = -1;
    col4row[i] = j1;
    row4col[j1] = i;
  }
  return nNext;
}
