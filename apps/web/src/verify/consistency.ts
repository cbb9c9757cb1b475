/**
 * RFC 9162 section 2.1.4.2 consistency verification with WebCrypto, for the browser: does the
 * tree of `newSize` leaves extend the tree of `oldSize` leaves the member saw before? The same
 * algorithm as libs/transparency-log/src/proof-verify.ts (node:crypto), with the same policies
 * where the RFC is silent, chosen to match the transparency-dev test vectors:
 * - oldSize 0 is always refused, even 0 -> 0: a proof from the empty tree proves nothing (the
 *   caller treats an empty remembered tree as trivially extended, without asking for a proof);
 * - oldSize == newSize: the proof must be empty and the roots byte-equal.
 */
import { bytesEqual } from './bytes';
import { hashChildren } from './merkle';

export type ConsistencyResult = { ok: true } | { ok: false; reason: string };

const HASH_SIZE = 32;
const fail = (reason: string): ConsistencyResult => ({ ok: false, reason });
const isSize = (n: number) => Number.isSafeInteger(n) && n >= 0;
const isOdd = (n: number) => n % 2 === 1;
// Halving on safe integers: `>>` would truncate sizes above 2^31.
const half = (n: number) => Math.floor(n / 2);
const isPowerOfTwo = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

export async function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<ConsistencyResult> {
  if (!isSize(oldSize) || !isSize(newSize)) return fail('tree sizes must be non-negative safe integers');
  if (oldSize > newSize) return fail(`the old size ${oldSize} exceeds the new size ${newSize}`);
  if (oldSize === 0) return fail('a proof from the empty tree proves nothing');
  if (oldSize === newSize) {
    if (proof.length !== 0) return fail('a proof between equal sizes must be empty');
    return bytesEqual(oldRoot, newRoot) ? { ok: true } : fail('same size, different roots');
  }
  if (proof.length === 0) return fail('an empty proof between different sizes');
  if ([oldRoot, newRoot, ...proof].some((h) => h.length !== HASH_SIZE)) return fail('every hash must be 32 bytes');

  // Step 2: when the old tree is a complete subtree, its root is the first node of the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  // Steps 3-4: skip the levels where the old tree's last node is a right child.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5: fr rebuilds the old root, sr the new one, from the same path.
  let fr = path[0];
  let sr = path[0];
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return fail('the proof is longer than the path');
    if (isOdd(fn) || fn === sn) {
      fr = await hashChildren(c, fr);
      sr = await hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) return fail('the proof is shorter than the path');
  if (!bytesEqual(fr, oldRoot)) return fail('the proof does not lead to the old root');
  if (!bytesEqual(sr, newRoot)) return fail('the proof does not lead to the new root');
  return { ok: true };
}
