/**
 * Read planning: which stored complete nodes a proof needs, and how to assemble it.
 *
 * Every hash in an RFC 9162 inclusion or consistency proof is the MTH of a leaf range
 * [lo, hi) where lo is a multiple of a power of two >= hi - lo. Such a range is covered by the
 * complete aligned subtrees given by the set bits of hi - lo (decomposeRange), and its MTH is
 * the right fold hashChildren(p1, hashChildren(p2, ... pk)) of those pieces, because MTH
 * splits at the largest power of two below the size (RFC 9162 section 2.1.1). Only the one
 * range touching the right edge of the tree can be incomplete, so a proof needs at most about
 * 2*log2(n) stored nodes, fetched in one batch.
 */
import { emptyRootHash, hashChildren, assertHash } from './hashing';
import { TransparencyLogError } from './merkle.errors';
import { assertSize, decomposeRange, NodeCoord, splitPoint } from './tree-geometry';

/**
 * Stored nodes to fetch in one batch (`coords`), and for each output hash the slice
 * [from, to) of `coords` whose hashes are right-folded into it.
 */
export interface ReadPlan {
  readonly coords: readonly NodeCoord[];
  readonly spans: readonly (readonly [from: number, to: number])[];
}

/** A leaf range [start, end) whose MTH is one proof element. */
type Range = readonly [start: number, end: number];

function planRanges(ranges: readonly Range[]): ReadPlan {
  const coords: NodeCoord[] = [];
  const spans: [number, number][] = [];
  for (const [start, end] of ranges) {
    const from = coords.length;
    coords.push(...decomposeRange(start, end));
    spans.push([from, coords.length]);
  }
  return { coords, spans };
}

/** Plan the reads for MTH(D[0:size]), the root hash: one node per set bit of `size`. */
export function planRoot(size: number): ReadPlan {
  assertSize(size, 'size');
  return planRanges([[0, size]]);
}

/** Plan the reads for PATH(index, D[0:size]), the inclusion proof of RFC 9162 section 2.1.3.1. */
export function planInclusion(index: number, size: number): ReadPlan {
  assertSize(index, 'index');
  assertSize(size, 'size');
  if (index >= size) {
    throw new TransparencyLogError('MERKLE.INDEX_OUT_OF_RANGE', `index ${index} is not below tree size ${size}`);
  }
  // Walk PATH top-down; the proof lists the siblings bottom-up, hence the reverse.
  const ranges: Range[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      ranges.push([lo + k, hi]);
      hi = lo + k;
    } else {
      ranges.push([lo, lo + k]);
      lo += k;
    }
  }
  return planRanges(ranges.reverse());
}

/**
 * Plan the reads for PROOF(oldSize, D[0:newSize]), the consistency proof of RFC 9162
 * section 2.1.4.1. Requires 0 < oldSize <= newSize (the proof for oldSize == newSize is empty);
 * a proof from the empty tree is meaningless (every tree extends it) and is refused, matching
 * verifyConsistency.
 */
export function planConsistency(oldSize: number, newSize: number): ReadPlan {
  assertSize(oldSize, 'oldSize');
  assertSize(newSize, 'newSize');
  if (oldSize === 0 || oldSize > newSize) {
    throw new TransparencyLogError(
      'MERKLE.SIZE_OUT_OF_RANGE',
      `consistency needs 0 < oldSize <= newSize, got ${oldSize} and ${newSize}`,
    );
  }
  // SUBPROOF(m, D[lo:hi], b) unrolled: m is relative to lo; `whole` is the flag b, true while
  // the old tree is still a left prefix that the verifier already knows the root of.
  const ranges: Range[] = [];
  let lo = 0;
  let hi = newSize;
  let m = oldSize;
  let whole = true;
  for (;;) {
    if (m === hi - lo) {
      if (!whole) ranges.push([lo, hi]);
      break;
    }
    const k = splitPoint(hi - lo);
    if (m <= k) {
      ranges.push([lo + k, hi]);
      hi = lo + k;
    } else {
      ranges.push([lo, lo + k]);
      m -= k;
      lo += k;
      whole = false;
    }
  }
  return planRanges(ranges.reverse());
}

/**
 * Assemble the planned hashes: `hashes[i]` is the stored hash of `plan.coords[i]`. Each output
 * is the right fold of its span; an empty span (only the root of the empty tree) is MTH({}).
 */
export function assemblePlan(plan: ReadPlan, hashes: readonly Uint8Array[]): Uint8Array[] {
  if (hashes.length !== plan.coords.length) {
    throw new TransparencyLogError(
      'MERKLE.STORE_INCONSISTENT',
      `node reader returned ${hashes.length} hashes for ${plan.coords.length} coordinates`,
    );
  }
  hashes.forEach((h, i) => assertHash(h, `node (${plan.coords[i].level}, ${plan.coords[i].index})`));
  return plan.spans.map(([from, to]) => {
    if (from === to) return emptyRootHash();
    let acc = hashes[to - 1];
    for (let i = to - 2; i >= from; i--) acc = hashChildren(hashes[i], acc);
    return acc;
  });
}
