/**
 * Coordinates of complete subtrees, and the arithmetic on leaf ranges that RFC 9162 proofs
 * need. Sizes go up to 2^53 - 1, so everything here uses exact double arithmetic on powers of
 * two (never the 32-bit `>>`, `&` operators).
 */
import { TransparencyLogError } from './merkle.errors';

/**
 * A complete subtree: node (level L, index i) is the hash of leaves [i*2^L, (i+1)*2^L).
 * Level 0 holds the leaf hashes. Only complete nodes exist; once written they never change,
 * which is what makes them safe to persist and cache.
 */
export interface NodeCoord {
  readonly level: number;
  readonly index: number;
}

/** Throws MERKLE.INVALID_SIZE unless `n` is a non-negative safe integer. */
export function assertSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new TransparencyLogError('MERKLE.INVALID_SIZE', `${what} must be a non-negative safe integer, got ${n}`);
  }
}

/** True when `n` is a non-negative safe integer. */
export function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** The largest power of two strictly below `n` (n >= 2): the split point k of RFC 9162 section 2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** True when `n` is an exact power of two (n >= 1). */
export function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** Halves, rounding down: the right shift of RFC 9162, safe beyond 32 bits. */
export function shiftRight(x: number): number {
  return Math.floor(x / 2);
}

/** True when the least significant bit of `x` is set (RFC 9162 `LSB`). */
export function lsb(x: number): boolean {
  return x % 2 === 1;
}

/**
 * The complete aligned subtrees that exactly cover leaves [start, end), left to right
 * (greedy: at each step the largest node that starts at `start` and fits). For the ranges
 * that occur in RFC 9162 trees (start a multiple of a power of two >= end - start) these are
 * the set bits of the range size, largest first, and the range's MTH is their right fold.
 */
export function decomposeRange(start: number, end: number): NodeCoord[] {
  const out: NodeCoord[] = [];
  while (start < end) {
    let level = 0;
    let width = 1;
    while (width * 2 <= end - start && start % (width * 2) === 0) {
      width *= 2;
      level++;
    }
    out.push({ level, index: start / width });
    start += width;
  }
  return out;
}

/** The leaf range [start, end) covered by a node. */
export function nodeRange(c: NodeCoord): [number, number] {
  const width = 2 ** c.level;
  return [c.index * width, (c.index + 1) * width];
}
