/**
 * Test-only reference: RFC 9162 section 2.1 transcribed literally, recursion on arrays, no
 * storage, no planning. Deliberately slow and obvious; the real code is checked against it.
 */
import { createHash } from 'node:crypto';

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHA-256(0x00 || data). */
export function refLeafHash(data: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), data);
}

function node(l: Uint8Array, r: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1), l, r);
}

/** Largest power of two strictly less than n. */
function k(n: number): number {
  let x = 1;
  while (x * 2 < n) x *= 2;
  return x;
}

/**
 * RFC 9162 section 2.1 over a fixed list of leaf hashes D. Ranges D[lo:hi] stand for the
 * RFC's sublists; MTH results are memoized per range so that exhaustive tests stay fast.
 */
export class RefTree {
  private readonly memo = new Map<string, Uint8Array>();

  constructor(private readonly d: readonly Uint8Array[]) {}

  /** MTH(D[lo:hi]) (section 2.1.1). */
  mth(lo: number, hi: number): Uint8Array {
    const key = `${lo}:${hi}`;
    let h = this.memo.get(key);
    if (!h) {
      const n = hi - lo;
      if (n === 0) h = sha256();
      else if (n === 1) h = this.d[lo];
      else h = node(this.mth(lo, lo + k(n)), this.mth(lo + k(n), hi));
      this.memo.set(key, h);
    }
    return h;
  }

  /** PATH(m, D[0:n]) (section 2.1.3.1). */
  path(m: number, n: number): Uint8Array[] {
    return this.pathIn(m, 0, n);
  }

  /** PROOF(m, D[0:n]) (section 2.1.4.1). */
  proof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, 0, n, true);
  }

  private pathIn(m: number, lo: number, hi: number): Uint8Array[] {
    const n = hi - lo;
    if (n <= 1) return [];
    const s = k(n);
    return m < s
      ? [...this.pathIn(m, lo, lo + s), this.mth(lo + s, hi)]
      : [...this.pathIn(m - s, lo + s, hi), this.mth(lo, lo + s)];
  }

  private subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const s = k(n);
    return m <= s
      ? [...this.subproof(m, lo, lo + s, b), this.mth(lo + s, hi)]
      : [...this.subproof(m - s, lo + s, hi, false), this.mth(lo, lo + s)];
  }
}

/** MTH(D) of a whole list, without memo (for one-off roots). */
export function refMth(d: readonly Uint8Array[]): Uint8Array {
  return new RefTree(d).mth(0, d.length);
}

/** Deterministic leaf data for tests: the 8-byte big-endian index. */
export function leafData(i: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(i));
  return b;
}

/** Hex of a list of hashes, for readable equality failures. */
export function hex(list: readonly Uint8Array[]): string[] {
  return list.map((h) => Buffer.from(h).toString('hex'));
}

/** A copy of `h` with bit `bit` flipped. */
export function flipBit(h: Uint8Array, bit: number): Uint8Array {
  const c = Uint8Array.from(h);
  c[Math.floor(bit / 8) % c.length] ^= 1 << bit % 8;
  return c;
}
