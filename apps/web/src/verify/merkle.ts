/**
 * RFC 9162 section 2.1 hashing and inclusion verification with WebCrypto, for the browser.
 * The same algorithm as libs/transparency-log/src/proof-verify.ts, which uses node:crypto.
 */
import { concat } from './bytes';

const HASH_SIZE = 32;

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** Leaf hash: SHA-256(0x00 || leaf bytes) (RFC 9162 section 2.1.1). */
export function hashLeaf(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(new Uint8Array([0]), leaf));
}

/** Interior node hash: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(new Uint8Array([1]), left, right));
}

/** The root an inclusion proof leads to, or why it leads nowhere (RFC 9162 section 2.1.3.2). */
export async function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<{ ok: true; rootHash: Uint8Array } | { ok: false; reason: string }> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) {
    return { ok: false, reason: `index ${index} is not below tree size ${treeSize}` };
  }
  if (leafHash.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return { ok: false, reason: 'every hash must be 32 bytes' };
  // Step 1-4: fn, sn as in the RFC; division by two is a shift on safe integers (not >>, which is 32-bit).
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: 'the proof is longer than the path' };
    if (fn % 2 === 1 || fn === sn) {
      r = await hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: 'the proof is shorter than the path' };
  return { ok: true, rootHash: r };
}
