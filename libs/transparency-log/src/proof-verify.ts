/**
 * Proof verification, RFC 9162 sections 2.1.3.2 and 2.1.4.2. These take untrusted input
 * (from the API or a member's verifier) and therefore never throw: they return a VerifyResult.
 */
import { bytesEqual, HASH_SIZE, hashChildren } from './hashing';
import { fail, OK, VerifyResult } from './merkle.errors';
import { isPowerOfTwo, isSize, lsb, shiftRight } from './tree-geometry';

/** Input of {@link verifyInclusion}. */
export interface InclusionCheck {
  readonly index: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}

/** Input of {@link verifyConsistency}. */
export interface ConsistencyCheck {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Uint8Array;
  readonly newRoot: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

function badLengths(hashes: readonly Uint8Array[]): boolean {
  return hashes.some((h) => !(h instanceof Uint8Array) || h.length !== HASH_SIZE);
}

/**
 * Recompute the root from an inclusion proof (RFC 9162 section 2.1.3.2 steps 1-4), or say why
 * that is impossible. Useful on its own to compare against several candidate roots.
 */
export function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): { ok: true; rootHash: Uint8Array } | Extract<VerifyResult, { ok: false }> {
  if (!isSize(index) || !isSize(treeSize)) {
    return { ok: false, code: 'MERKLE.INVALID_SIZE', reason: 'index and tree size must be non-negative safe integers' };
  }
  if (index >= treeSize) {
    return { ok: false, code: 'MERKLE.INDEX_OUT_OF_RANGE', reason: `index ${index} is not below tree size ${treeSize}` };
  }
  if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_SIZE) {
    return { ok: false, code: 'MERKLE.BAD_HASH_LENGTH', reason: 'leaf hash must be 32 bytes' };
  }
  if (!Array.isArray(proof) || badLengths(proof)) {
    return { ok: false, code: 'MERKLE.BAD_HASH_LENGTH', reason: 'every proof element must be 32 bytes' };
  }
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return { ok: false, code: 'MERKLE.BAD_PROOF', reason: 'proof is longer than the path' };
    if (lsb(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!lsb(fn)) {
        // Skip the levels where this node has no right sibling (the right edge).
        while (!lsb(fn) && fn !== 0) {
          fn = shiftRight(fn);
          sn = shiftRight(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  if (sn !== 0) return { ok: false, code: 'MERKLE.BAD_PROOF', reason: 'proof is shorter than the path' };
  return { ok: true, rootHash: r };
}

/** Check that `leafHash` is at `index` in the tree of `treeSize` with root `rootHash` (RFC 9162 section 2.1.3.2). */
export function verifyInclusion(c: InclusionCheck): VerifyResult {
  const computed = rootFromInclusionProof(c.index, c.treeSize, c.leafHash, c.proof);
  if (!computed.ok) return computed;
  if (!bytesEqual(computed.rootHash, c.rootHash)) {
    return fail('MERKLE.BAD_PROOF', 'proof does not lead to the given root hash');
  }
  return OK;
}

/**
 * Check that the tree of `newSize` extends the tree of `oldSize` (RFC 9162 section 2.1.4.2).
 *
 * Policies where the RFC is silent, chosen to match the transparency-dev test vectors:
 * - oldSize == 0 is always rejected (MERKLE.EMPTY_TREE), even 0 -> 0: a proof from the empty
 *   tree proves nothing. checkCheckpointConsistency handles an empty older checkpoint itself.
 * - oldSize == newSize: the proof must be empty and the roots byte-equal.
 */
export function verifyConsistency(c: ConsistencyCheck): VerifyResult {
  const { oldSize, newSize, oldRoot, newRoot, proof } = c;
  if (!isSize(oldSize) || !isSize(newSize)) {
    return fail('MERKLE.INVALID_SIZE', 'sizes must be non-negative safe integers');
  }
  if (oldSize > newSize) return fail('MERKLE.SIZE_OUT_OF_RANGE', `old size ${oldSize} exceeds new size ${newSize}`);
  if (oldSize === 0) return fail('MERKLE.EMPTY_TREE', 'consistency from the empty tree is not checked by proof');
  if (!Array.isArray(proof)) return fail('MERKLE.BAD_PROOF', 'proof must be an array');
  if (oldSize === newSize) {
    if (proof.length !== 0) return fail('MERKLE.BAD_PROOF', 'proof between equal sizes must be empty');
    return bytesEqual(oldRoot, newRoot) ? OK : fail('MERKLE.BAD_PROOF', 'equal sizes but different roots');
  }
  if (proof.length === 0) return fail('MERKLE.BAD_PROOF', 'empty proof between different sizes');
  if (badLengths(proof)) return fail('MERKLE.BAD_HASH_LENGTH', 'every proof element must be 32 bytes');
  if (badLengths([oldRoot, newRoot])) return fail('MERKLE.BAD_HASH_LENGTH', 'roots must be 32 bytes');

  // Step 2: when the old tree is a complete subtree, its root is the first node of the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  // Steps 3-4.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (lsb(fn)) {
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  // Step 5: fr rebuilds the old root, sr the new one.
  let fr = path[0];
  let sr = path[0];
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return fail('MERKLE.BAD_PROOF', 'proof is longer than needed');
    if (lsb(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shiftRight(fn);
          sn = shiftRight(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = shiftRight(fn);
    sn = shiftRight(sn);
  }
  // Step 7.
  if (sn !== 0) return fail('MERKLE.BAD_PROOF', 'proof is shorter than needed');
  if (!bytesEqual(fr, oldRoot)) return fail('MERKLE.BAD_PROOF', 'proof does not lead to the old root');
  if (!bytesEqual(sr, newRoot)) return fail('MERKLE.BAD_PROOF', 'proof does not lead to the new root');
  return OK;
}
