/**
 * The storage-agnostic tree (planning + appender + MemoryNodeStore) against the literal RFC 9162
 * reference in naive-merkle.testing.ts, plus the verifiers on honest and tampered proofs.
 */
import fc from 'fast-check';
import {
  appendLeaves,
  computeAppend,
  consistencyProof,
  consistencyProofSync,
  emptyRootHash,
  hashChildren,
  hashLeaf,
  inclusionProof,
  inclusionProofSync,
  MemoryNodeStore,
  NodeCoord,
  nodeRange,
  planAppend,
  planConsistency,
  planInclusion,
  planRoot,
  rootFromInclusionProof,
  rootHash,
  SyncNodeReader,
  TransparencyLogError,
  verifyConsistency,
  verifyInclusion,
} from '@coop/transparency-log';
import { flipBit, hex, leafData, RefTree, refLeafHash, refMth } from './naive-merkle.testing';

const N = 257; // exhaustive range: crosses several powers of two
const leaves = Array.from({ length: 1200 }, (_, i) => refLeafHash(leafData(i)));
const ref = new RefTree(leaves);
const store = new MemoryNodeStore();
store.append(leaves);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransparencyLogError) return e.code;
    throw e;
  }
  return undefined;
}

/** Exact ceil(log2 n); Math.log2 rounds near large powers of two (log2(2^49 + 1) === 49). */
function log2ceil(n: number): number {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}

describe('hashing (RFC 9162 section 2.1.1)', () => {
  it('matches the reference leaf and node hashes, and the empty root', () => {
    expect(hex([hashLeaf(leafData(7))])).toEqual(hex([refLeafHash(leafData(7))]));
    expect(hex([emptyRootHash()])).toEqual(['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']);
    expect(hex([hashChildren(leaves[0], leaves[1])])).toEqual(hex([refMth(leaves.slice(0, 2))]));
  });

  it('rejects child hashes that are not 32 bytes', () => {
    expect(codeOf(() => hashChildren(new Uint8Array(31), leaves[0]))).toBe('MERKLE.BAD_HASH_LENGTH');
  });
});

describe('roots', () => {
  it(`equal the reference MTH for every size 0..${leaves.length}`, () => {
    for (let n = 0; n <= leaves.length; n++) {
      expect(hex([store.rootHash(n)])).toEqual(hex([ref.mth(0, n)]));
    }
  });

  it('are the same whatever the append batching (appender vs reference)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 12 }), (batches) => {
        const s = new MemoryNodeStore();
        let size = 0;
        for (const b of batches) {
          const result = s.append(leaves.slice(size, size + b));
          size += b;
          expect(result.size).toBe(size);
          expect(hex([result.rootHash])).toEqual(hex([ref.mth(0, size)]));
        }
        // Every stored node is the MTH of its leaves, and exactly floor(size / 2^L) exist per level.
        for (let level = 0; 2 ** level <= Math.max(size, 1); level++) {
          expect(s.countAt(level)).toBe(Math.floor(size / 2 ** level));
        }
        const coords: NodeCoord[] = [];
        for (let level = 0; 2 ** level <= size; level++) {
          for (let i = 0; i < s.countAt(level); i++) coords.push({ level, index: i });
        }
        const got = s.getNodesSync(coords);
        coords.forEach((c, j) => {
          const [a, b] = nodeRange(c);
          expect(Buffer.from(got[j]).equals(Buffer.from(ref.mth(a, b)))).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('appender emits each new complete node exactly once and reads only the right edge', () => {
    for (let n = 0; n <= 40; n++) {
      const edge = planAppend(n);
      expect(edge.length).toBeLessThanOrEqual(log2ceil(n + 1));
      for (let k = 0; k <= 9; k++) {
        const r = computeAppend(n, store.getNodesSync(edge), leaves.slice(n, n + k));
        const expected: string[] = [];
        for (let level = 0; 2 ** level <= n + k; level++) {
          const before = Math.floor(n / 2 ** level);
          const after = Math.floor((n + k) / 2 ** level);
          for (let i = before; i < after; i++) expected.push(`${level}/${i}`);
        }
        expect(r.nodes.map((x) => `${x.level}/${x.index}`).sort()).toEqual(expected.sort());
      }
    }
  });

  it("returns the new tree's right edge, so the next append needs no read", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 20 }), (n, k, k2) => {
        const first = computeAppend(n, store.getNodesSync(planAppend(n)), leaves.slice(n, n + k));
        const edgeHex = (hashes: Uint8Array[]) => hashes.map((h) => Buffer.from(h).toString('hex'));
        expect(edgeHex(first.edge)).toEqual(edgeHex(store.getNodesSync(planAppend(n + k))));
        // Chained through the returned edge: the same nodes and root as reading the edge back.
        const chained = computeAppend(n + k, first.edge, leaves.slice(n + k, n + k + k2));
        expect(Buffer.from(chained.rootHash).equals(Buffer.from(ref.mth(0, n + k + k2)))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses to overwrite a stored node with a different hash', () => {
    const s = new MemoryNodeStore();
    s.append(leaves.slice(0, 4));
    expect(codeOf(() => s.putNodes([{ level: 1, index: 0, hash: leaves[9] }]))).toBe('MERKLE.STORE_INCONSISTENT');
    expect(codeOf(() => s.putNodes([{ level: 0, index: 6, hash: leaves[6] }]))).toBe('MERKLE.STORE_INCONSISTENT');
    expect(codeOf(() => s.getNodesSync([{ level: 2, index: 1 }]))).toBe('MERKLE.NODE_MISSING');
  });
});

describe('inclusion proofs', () => {
  it(`equal PATH(m, D[n]) and verify, for every n <= ${N} and m < n`, () => {
    // Collect failures and assert once: a per-proof expect() would dominate the run time.
    const failures: string[] = [];
    for (let n = 1; n <= N; n++) {
      const root = store.rootHash(n);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProofSync(store, m, n);
        if (hex(proof).join() !== hex(ref.path(m, n)).join()) failures.push(`PATH(${m}, ${n}) differs`);
        if (!verifyInclusion({ index: m, treeSize: n, leafHash: leaves[m], proof, rootHash: root }).ok) {
          failures.push(`PATH(${m}, ${n}) does not verify`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('fail when any bit of the proof, leaf or root is flipped, or index/size/length is wrong', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: leaves.length }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1))),
        fc.nat(),
        fc.nat(255),
        ([n, m], which, bit) => {
          const proof = inclusionProofSync(store, m, n);
          const root = store.rootHash(n);
          const base = { index: m, treeSize: n, leafHash: leaves[m], proof, rootHash: root };
          expect(verifyInclusion(base).ok).toBe(true);
          if (proof.length > 0) {
            const i = which % proof.length;
            const tampered = proof.map((p, j) => (j === i ? flipBit(p, bit) : p));
            expect(verifyInclusion({ ...base, proof: tampered }).ok).toBe(false);
            expect(verifyInclusion({ ...base, proof: proof.slice(0, -1) }).ok).toBe(false);
          }
          expect(verifyInclusion({ ...base, leafHash: flipBit(leaves[m], bit) }).ok).toBe(false);
          expect(verifyInclusion({ ...base, rootHash: flipBit(root, bit) }).ok).toBe(false);
          expect(verifyInclusion({ ...base, proof: [...proof, root] }).ok).toBe(false);
          expect(verifyInclusion({ ...base, index: n }).ok).toBe(false);
          if (n > 1) expect(verifyInclusion({ ...base, index: (m + 1) % n }).ok).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reject bad arguments with stable codes', () => {
    expect(codeOf(() => planInclusion(5, 5))).toBe('MERKLE.INDEX_OUT_OF_RANGE');
    expect(codeOf(() => planInclusion(-1, 5))).toBe('MERKLE.INVALID_SIZE');
    expect(codeOf(() => planInclusion(0, 2 ** 53))).toBe('MERKLE.INVALID_SIZE');
    expect(codeOf(() => planInclusion(0.5, 5))).toBe('MERKLE.INVALID_SIZE');
    const r = rootFromInclusionProof(3, 2, leaves[0], []);
    expect(r).toMatchObject({ ok: false, code: 'MERKLE.INDEX_OUT_OF_RANGE' });
    const garbage = undefined as unknown as Uint8Array;
    expect(verifyInclusion({ index: 0, treeSize: 1, leafHash: leaves[0], proof: [], rootHash: garbage }).ok).toBe(false);
    expect(verifyInclusion({ index: 0, treeSize: 2, leafHash: garbage, proof: [leaves[1]], rootHash: leaves[0] }).ok).toBe(false);
    expect(verifyConsistency({ oldSize: 2, newSize: 2, oldRoot: garbage, newRoot: garbage, proof: [] }).ok).toBe(false);
    expect(verifyConsistency({ oldSize: 2, newSize: 3, oldRoot: garbage, newRoot: leaves[0], proof: [leaves[1]] }).ok).toBe(false);
    expect(verifyInclusion({ index: NaN, treeSize: 1, leafHash: leaves[0], proof: [], rootHash: leaves[0] })).toMatchObject({
      ok: false,
      code: 'MERKLE.INVALID_SIZE',
    });
  });
});

describe('consistency proofs', () => {
  it(`equal PROOF(m, D[n]) and verify, for every 1 <= m <= n <= ${N}`, () => {
    const failures: string[] = [];
    for (let n = 1; n <= N; n++) {
      const newRoot = store.rootHash(n);
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProofSync(store, m, n);
        if (hex(proof).join() !== hex(ref.proof(m, n)).join()) failures.push(`PROOF(${m}, ${n}) differs`);
        if (!verifyConsistency({ oldSize: m, newSize: n, oldRoot: store.rootHash(m), newRoot, proof }).ok) {
          failures.push(`PROOF(${m}, ${n}) does not verify`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('fail when tampered: flipped bit, dropped/extra element, swapped roots, wrong sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: leaves.length }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n))),
        fc.nat(),
        fc.nat(255),
        ([m, n], which, bit) => {
          const proof = consistencyProofSync(store, m, n);
          const base = { oldSize: m, newSize: n, oldRoot: store.rootHash(m), newRoot: store.rootHash(n), proof };
          expect(verifyConsistency(base).ok).toBe(true);
          const i = which % proof.length;
          expect(verifyConsistency({ ...base, proof: proof.map((p, j) => (j === i ? flipBit(p, bit) : p)) }).ok).toBe(false);
          expect(verifyConsistency({ ...base, proof: proof.slice(0, -1) }).ok).toBe(false);
          expect(verifyConsistency({ ...base, proof: proof.slice(1) }).ok).toBe(false);
          expect(verifyConsistency({ ...base, proof: [...proof, leaves[0]] }).ok).toBe(false);
          expect(verifyConsistency({ ...base, proof: [leaves[0], ...proof] }).ok).toBe(false);
          expect(verifyConsistency({ ...base, oldRoot: base.newRoot, newRoot: base.oldRoot }).ok).toBe(false);
          expect(verifyConsistency({ ...base, oldRoot: flipBit(base.oldRoot, bit) }).ok).toBe(false);
          expect(verifyConsistency({ ...base, newRoot: flipBit(base.newRoot, bit) }).ok).toBe(false);
          // The root binds the size: the same proof cannot reach the real root of a neighbouring size.
          // (With the root of n it may: RFC 9162 proofs only encode the shape of the path.)
          if (n < leaves.length) {
            expect(verifyConsistency({ ...base, newSize: n + 1, newRoot: store.rootHash(n + 1) }).ok).toBe(false);
          }
          expect(verifyConsistency({ ...base, oldSize: m + 1, oldRoot: store.rootHash(m + 1) }).ok).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('policy: nothing is proven from the empty tree; equal sizes need equal roots and no proof', () => {
    const empty = emptyRootHash();
    expect(verifyConsistency({ oldSize: 0, newSize: 0, oldRoot: empty, newRoot: empty, proof: [] })).toMatchObject({
      ok: false,
      code: 'MERKLE.EMPTY_TREE',
    });
    expect(codeOf(() => planConsistency(0, 3))).toBe('MERKLE.SIZE_OUT_OF_RANGE');
    expect(codeOf(() => planConsistency(4, 3))).toBe('MERKLE.SIZE_OUT_OF_RANGE');
    expect(consistencyProofSync(store, 5, 5)).toEqual([]);
    const r5 = store.rootHash(5);
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: r5, newRoot: r5, proof: [] }).ok).toBe(true);
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: r5, newRoot: r5, proof: [r5] }).ok).toBe(false);
  });
});

describe('read plans', () => {
  const bound = (n: number): number => 2 * log2ceil(n) + 2;
  // Uniform sizes, plus sizes next to powers of two where the right edge is longest.
  const big = fc.oneof(
    fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    fc
      .tuple(fc.integer({ min: 1, max: 53 }), fc.integer({ min: -3, max: 3 }))
      .map(([k, d]) => Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, 2 ** k + d))),
  );

  /** Every planned node lies inside the tree of size n, so it is complete and stored. */
  function allComplete(coords: readonly NodeCoord[], n: number): boolean {
    return coords.every((c) => Number.isSafeInteger(c.index) && nodeRange(c)[1] <= n);
  }

  it('read O(log n) complete nodes for any size up to 2^53 - 1', () => {
    fc.assert(
      fc.property(big, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n, a, b) => {
        const index = Math.min(n - 1, Math.floor(a * n));
        const m = Math.max(1, Math.min(n, Math.ceil(b * n)));
        const plans = [planRoot(n), planInclusion(index, n), planConsistency(m, n)];
        expect(plans[0].coords.length).toBeLessThanOrEqual(log2ceil(n + 1));
        for (const p of plans) {
          expect(p.coords.length).toBeLessThanOrEqual(bound(n));
          expect(allComplete(p.coords, n)).toBe(true);
        }
        expect(plans[1].spans.length).toBeLessThanOrEqual(log2ceil(n));
      }),
      { numRuns: 1000 },
    );
  });

  it('meet the bound exhaustively for small trees', () => {
    let worst = 0;
    const over: string[] = [];
    for (let n = 1; n <= 300; n++) {
      for (let m = 0; m < n; m++) {
        const a = planInclusion(m, n).coords.length;
        const b = planConsistency(m + 1, n).coords.length;
        if (a > bound(n) || b > bound(n)) over.push(`n=${n} m=${m}: ${a}, ${b}`);
        worst = Math.max(worst, a - bound(n), b - bound(n));
      }
    }
    expect(over).toEqual([]);
    expect(worst).toBeLessThanOrEqual(0);
  });

  it('produce correct proofs beyond 2^32 leaves (uniform tree, where any node hash is known)', () => {
    // All leaves equal h0: node (L, i) is uL with u(L+1) = H(uL, uL), and MTH of n leaves has a closed recursion.
    const u: Uint8Array[] = [leaves[0]];
    for (let l = 1; l < 54; l++) u.push(hashChildren(u[l - 1], u[l - 1]));
    const uniform: SyncNodeReader = { getNodesSync: (coords) => coords.map((c) => u[c.level]) };
    const memo = new Map<number, Uint8Array>();
    const mth = (n: number): Uint8Array => {
      if (memo.has(n)) return memo.get(n) as Uint8Array;
      let k = 1;
      while (k * 2 < n) k *= 2;
      const r = n === 1 ? u[0] : k * 2 === n ? u[Math.log2(n)] : hashChildren(mth(k), mth(n - k));
      memo.set(n, r);
      return r;
    };
    fc.assert(
      fc.property(fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER }), fc.nat(), (n, x) => {
        const index = x % n;
        const m = Math.max(1, n - 1 - (x % 1000));
        const inc = inclusionProofSync(uniform, index, n);
        expect(verifyInclusion({ index, treeSize: n, leafHash: u[0], proof: inc, rootHash: mth(n) }).ok).toBe(true);
        const con = consistencyProofSync(uniform, m, n);
        expect(verifyConsistency({ oldSize: m, newSize: n, oldRoot: mth(m), newRoot: mth(n), proof: con }).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('async reader', () => {
  class CountingReader {
    calls = 0;
    nodes = 0;
    constructor(private readonly inner: MemoryNodeStore) {}
    async getNodes(coords: readonly NodeCoord[]): Promise<Uint8Array[]> {
      this.calls++;
      this.nodes += coords.length;
      return this.inner.getNodes(coords);
    }
  }

  it('gives the same proofs and roots as the sync variant, in one batched call each', async () => {
    for (const [m, n] of [
      [0, 1],
      [3, 7],
      [100, 1000],
      [1023, 1024],
      [511, 1200],
    ]) {
      const r = new CountingReader(store);
      expect(hex(await inclusionProof(r, m, n))).toEqual(hex(inclusionProofSync(store, m, n)));
      expect(r.calls).toBeLessThanOrEqual(1);
      const before = r.calls;
      expect(hex(await consistencyProof(r, m + 1, n))).toEqual(hex(consistencyProofSync(store, m + 1, n)));
      expect(r.calls - before).toBeLessThanOrEqual(1);
      expect(hex([await rootHash(r, n)])).toEqual(hex([store.rootHash(n)]));
    }
  });

  it('appends through the port: reads the right edge once, and the result stores cleanly', async () => {
    const s = new MemoryNodeStore();
    const r = new CountingReader(s);
    let size = 0;
    for (const k of [1, 2, 5, 0, 17, 100]) {
      const before = r.calls;
      const result = await appendLeaves(r, size, leaves.slice(size, size + k));
      expect(r.calls - before).toBe(size === 0 ? 0 : 1);
      s.putNodes(result.nodes);
      size = result.size;
      expect(hex([result.rootHash])).toEqual(hex([ref.mth(0, size)]));
    }
  });

  it('reports a reader that answers with the wrong number of hashes', async () => {
    const liar = { getNodes: async (coords: readonly NodeCoord[]) => coords.slice(1).map(() => leaves[0]) };
    await expect(inclusionProof(liar, 3, 10)).rejects.toMatchObject({ code: 'MERKLE.STORE_INCONSISTENT' });
  });
});
