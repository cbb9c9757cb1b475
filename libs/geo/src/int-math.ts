/**
 * Integer arithmetic on JavaScript numbers that is exact on every machine.
 *
 * IEEE 754 requires +, -, * and / to be correctly rounded, so on safe integers they give the
 * same bits everywhere. `Math.floor(a / b)` equals the true floor whenever |a| < 2^53 and b is
 * a positive integer: the quotient's rounding error (at most |a/b| * 2^-53) is smaller than its
 * distance to the next integer (at least 1/b), so rounding cannot cross an integer.
 */

/** Throws unless `n` is a safe integer; guards every integer pipeline that must replay exactly. */
export function assertSafeInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer, got ${n}`);
  return n;
}

/** Floor of a / b for a safe integer a and a positive integer b, exact (see file comment). */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Ceiling of a / b for a safe integer a and a positive integer b, exact. */
export function ceilDiv(a: number, b: number): number {
  return -Math.floor(-a / b);
}

/** Clamps an integer into [lo, hi]; used to keep normalized terms inside their scale. */
export function clampInt(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}
