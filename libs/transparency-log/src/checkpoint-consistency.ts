/**
 * "A log MUST NOT sign any checkpoint which is inconsistent with any checkpoint it previously
 * signed" (c2sp.org/tlog-checkpoint). The app calls this with its latest signed checkpoint,
 * the candidate, and a consistency proof from its own store, and refuses to sign on failure.
 */
import { Checkpoint } from './checkpoint';
import { bytesEqual, emptyRootHash, HASH_SIZE } from './hashing';
import { verifyConsistency } from './proof-verify';
import { isSize } from './tree-geometry';

function wellFormed(cp: Checkpoint): boolean {
  return isSize(cp.treeSize) && cp.rootHash instanceof Uint8Array && cp.rootHash.length === HASH_SIZE;
}

/** Why two checkpoints are not consistent. */
export type CheckpointInconsistency =
  | 'MALFORMED_CHECKPOINT'
  | 'ORIGIN_MISMATCH'
  | 'SIZE_DECREASED'
  | 'SAME_SIZE_DIFFERENT_ROOT'
  | 'BAD_EMPTY_ROOT'
  | 'BAD_PROOF';

/** Outcome of {@link checkCheckpointConsistency}. */
export type CheckpointConsistencyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: CheckpointInconsistency; readonly detail: string };

function no(reason: CheckpointInconsistency, detail: string): CheckpointConsistencyResult {
  return { ok: false, reason, detail };
}

/**
 * Decide whether `newer` extends `older` given a consistency proof (RFC 9162 section 2.1.4.2).
 * An empty older tree is consistent with anything, provided its root really is MTH({}) and
 * the proof is empty; equal sizes need equal roots and an empty proof.
 */
export function checkCheckpointConsistency(
  older: Checkpoint,
  newer: Checkpoint,
  proof: readonly Uint8Array[],
): CheckpointConsistencyResult {
  if (!wellFormed(older) || !wellFormed(newer) || !Array.isArray(proof)) {
    return no('MALFORMED_CHECKPOINT', 'tree sizes must be safe integers, roots 32 bytes, proof an array');
  }
  if (older.origin !== newer.origin) {
    return no('ORIGIN_MISMATCH', `origins differ: ${older.origin} vs ${newer.origin}`);
  }
  if (newer.treeSize < older.treeSize) {
    return no('SIZE_DECREASED', `tree size went from ${older.treeSize} down to ${newer.treeSize}`);
  }
  if (older.treeSize === newer.treeSize && !bytesEqual(older.rootHash, newer.rootHash)) {
    return no('SAME_SIZE_DIFFERENT_ROOT', `two different roots for tree size ${older.treeSize}: the log forked`);
  }
  if (older.treeSize === 0) {
    if (!bytesEqual(older.rootHash, emptyRootHash())) return no('BAD_EMPTY_ROOT', 'empty tree root is not SHA-256("")');
    if (proof.length !== 0) return no('BAD_PROOF', 'proof from the empty tree must be empty');
    return { ok: true };
  }
  const result = verifyConsistency({
    oldSize: older.treeSize,
    newSize: newer.treeSize,
    oldRoot: older.rootHash,
    newRoot: newer.rootHash,
    proof,
  });
  return result.ok ? { ok: true } : no('BAD_PROOF', `${result.code}: ${result.reason}`);
}
