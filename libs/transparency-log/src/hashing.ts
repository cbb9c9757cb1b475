/**
 * RFC 9162 section 2.1.1 hashing with SHA-256 (the RFC 6962 construction): leaves and interior
 * nodes are domain-separated by a 0x00 / 0x01 prefix so that a leaf can never be passed off as
 * an interior node (second-preimage resistance of the tree).
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { TransparencyLogError } from './merkle.errors';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

// crypto.hash (Node >= 20.12) skips the Hash object; fall back to createHash where absent.
const sha256: (data: Uint8Array) => Uint8Array =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'buffer') as unknown as Uint8Array
    : (data) => createHash('sha256').update(data).digest();

const EMPTY_ROOT = sha256(new Uint8Array(0));

/** MTH({}) = SHA-256() of the empty string: the root of the empty tree (RFC 9162 section 2.1.1). */
export function emptyRootHash(): Uint8Array {
  return EMPTY_ROOT.slice();
}

/** Leaf hash SHA-256(0x00 || leaf) (RFC 9162 section 2.1.1): what the log stores for each entry. */
export function hashLeaf(leaf: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + leaf.length);
  buf[0] = 0x00;
  buf.set(leaf, 1);
  return sha256(buf);
}

const LEAF_PREFIX = new Uint8Array([0x00]);

/**
 * {@link hashLeaf} of a text's UTF-8 bytes, the text encoded straight into the hash: the log's
 * leaves are texts of ~4 KB, which Buffer.from and hashLeaf's prefixed copy each copied again.
 */
export function hashLeafText(text: string): Uint8Array {
  return createHash('sha256').update(LEAF_PREFIX).update(text, 'utf8').digest();
}

const childrenScratch = new Uint8Array(1 + 2 * HASH_SIZE);

/** Interior node hash SHA-256(0x01 || left || right) (RFC 9162 section 2.1.1). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertHash(left, 'left child');
  assertHash(right, 'right child');
  // One preallocated buffer and one hash call: this runs ~2 million times per million leaves.
  childrenScratch[0] = 0x01;
  childrenScratch.set(left, 1);
  childrenScratch.set(right, 1 + HASH_SIZE);
  return sha256(childrenScratch);
}

/** Throws MERKLE.BAD_HASH_LENGTH unless `h` is a 32-byte hash. */
export function assertHash(h: Uint8Array, what: string): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new TransparencyLogError('MERKLE.BAD_HASH_LENGTH', `${what} must be ${HASH_SIZE} bytes`);
  }
}

/** Byte equality; false (not a throw) for non-byte input. Not constant-time: hashes are public. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
