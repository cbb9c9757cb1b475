/**
 * Deterministic sine, cosine, arcsine and square root built from +, -, *, / only.
 *
 * ECMA-262 leaves Math.sin, Math.cos, Math.asin and Math.sqrt "implementation-approximated", so
 * two engines (or two libm builds) may differ in the last bit, and a distance that sits on a
 * rounding boundary could then round to a different whole metre. Basic IEEE 754 operations are
 * correctly rounded everywhere, so these polynomial versions give the same bits on every
 * machine. Accuracy is about 1e-15 relative, far below the one metre we round to.
 */

const PI = 3.141592653589793;
const HALF_PI = PI / 2;
const TWO_PI = 2 * PI;

/** sin(x) for |x| <= pi/4: Taylor series to x^19 at most (truncation error < 1e-20 on that range), stopping once a term no longer changes the sum. */
function sinKernel(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n <= 9; n++) {
    term = (-term * x2) / ((2 * n) * (2 * n + 1));
    const next = sum + term;
    if (next === sum) break; // converged; the test is itself exact, so the exit is deterministic
    sum = next;
  }
  return sum;
}

/** cos(x) for |x| <= pi/4: Taylor series to x^18. */
function cosKernel(x: number): number {
  const x2 = x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 9; n++) {
    term = (-term * x2) / ((2 * n - 1) * (2 * n));
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return sum;
}

/** Reduces x to r in [-pi/4, pi/4] and a quadrant q with x = r + q * pi/2 (mod 2 pi). */
function reduce(x: number): { r: number; q: number } {
  const y = x - TWO_PI * Math.round(x / TWO_PI);
  const k = Math.round(y / HALF_PI);
  return { r: y - k * HALF_PI, q: ((k % 4) + 4) % 4 };
}

/** Deterministic sine (see file comment for why not Math.sin). */
export function detSin(x: number): number {
  const { r, q } = reduce(x);
  switch (q) {
    case 0: return sinKernel(r);
    case 1: return cosKernel(r);
    case 2: return -sinKernel(r);
    default: return -cosKernel(r);
  }
}

/** Deterministic cosine (see file comment for why not Math.cos). */
export function detCos(x: number): number {
  const { r, q } = reduce(x);
  switch (q) {
    case 0: return cosKernel(r);
    case 1: return -sinKernel(r);
    case 2: return -cosKernel(r);
    default: return sinKernel(r);
  }
}

/** Deterministic square root: exact power-of-4 scaling, then Newton's iteration on [1, 4). */
export function detSqrt(x: number): number {
  if (!(x > 0)) {
    if (x === 0) return 0;
    return NaN;
  }
  if (!Number.isFinite(x)) return x;
  let m = x;
  let scale = 1;
  while (m >= 4) { m /= 4; scale *= 2; }
  while (m < 1) { m *= 4; scale /= 2; }
  let y = 1.5;
  for (let i = 0; i < 6; i++) y = (y + m / y) / 2;
  return y * scale;
}

/** asin(x) for 0 <= x <= 0.5: Maclaurin series, a_(n+1) = a_n (2n+1)/(2n+2) (Abramowitz-Stegun 4.4.40). */
function asinSeries(x: number): number {
  const x2 = x * x;
  let a = 1;
  let pow = x;
  let sum = x;
  for (let n = 0; n < 30; n++) {
    a = (a * (2 * n + 1)) / (2 * n + 2);
    pow *= x2;
    const next = sum + (a * pow) / (2 * n + 3);
    if (next === sum) break;
    sum = next;
  }
  return sum;
}

/** Deterministic arcsine on [-1, 1]; above 0.5 uses asin(x) = pi/2 - 2 asin(sqrt((1 - x) / 2)). */
export function detAsin(x: number): number {
  if (x < 0) return -detAsin(-x);
  if (x > 1) return NaN;
  if (x <= 0.5) return asinSeries(x);
  return HALF_PI - 2 * asinSeries(detSqrt((1 - x) / 2));
}
