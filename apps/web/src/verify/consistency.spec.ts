import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { hashLeaf, verifyConsistency as nodeVerifyConsistency } from '@coop/transparency-log';
import { RefTree, flipBit, leafData } from '../../../../libs/transparency-log/src/naive-merkle.testing';
import { verifyConsistency } from './consistency';

/**
 * The browser's consistency verifier against the transparency-dev RFC 6962 vectors (every
 * wantErr case, shipped beside the repository in shared/test-vectors) and, by property, against
 * the reference tree and the Node library the server uses.
 */
const vectorsDir = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'test-vectors', 'rfc6962', 'testdata', 'consistency');

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return jsonFilesUnder(full);
      return name.endsWith('.json') ? [full] : [];
    });
}

function loadVectors(): [string, ConsistencyVector][] {
  // A missing folder fails the suite: the vectors are the independent check.
  if (!existsSync(vectorsDir)) throw new Error(`RFC 6962 consistency vectors not found at ${vectorsDir}`);
  return jsonFilesUnder(vectorsDir).map((f) => [path.relative(vectorsDir, f), JSON.parse(readFileSync(f, 'utf8')) as ConsistencyVector]);
}

const b64 = (s: string | null | undefined) => new Uint8Array(Buffer.from(s ?? '', 'base64'));

describe('in-browser consistency verifier (RFC 9162 section 2.1.4.2)', () => {
  const vectors = loadVectors();

  it('found the whole vector set, with cases to accept and to refuse', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(98);
    expect(vectors.filter(([, v]) => v.wantErr).length).toBeGreaterThan(50);
    expect(vectors.filter(([, v]) => !v.wantErr).length).toBeGreaterThan(3);
  });

  it.each(vectors)('%s', async (_file, v) => {
    const result = await verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
    expect(result.ok).toBe(!v.wantErr);
  });

  const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(leafData(i)));
  const tree = new RefTree(leaves);
  const sizes = fc.integer({ min: 1, max: leaves.length }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));

  it('accepts every reference proof between two sizes, as the Node library does', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async ([m, n]) => {
        const proof = tree.proof(m, n);
        const check = { oldSize: m, newSize: n, oldRoot: tree.mth(0, m), newRoot: tree.mth(0, n), proof };
        expect(nodeVerifyConsistency(check).ok).toBe(true);
        await expect(verifyConsistency(m, n, check.oldRoot, check.newRoot, proof)).resolves.toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a proof with any bit flipped, a dropped or an extra hash, or the wrong old root', async () => {
    const distinct = sizes.filter(([m, n]) => m < n);
    await fc.assert(
      fc.asyncProperty(distinct, fc.nat(), fc.nat(255), async ([m, n], at, bit) => {
        const proof = tree.proof(m, n);
        const [oldRoot, newRoot] = [tree.mth(0, m), tree.mth(0, n)];
        const i = at % proof.length;
        const flipped = proof.map((p, j) => (j === i ? flipBit(p, bit) : p));
        const verdicts = await Promise.all([
          verifyConsistency(m, n, oldRoot, newRoot, flipped),
          verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1)),
          verifyConsistency(m, n, oldRoot, newRoot, [...proof, proof[0]]),
          // The history the member saw was different: the log rewrote it.
          verifyConsistency(m, n, flipBit(oldRoot, bit), newRoot, proof),
        ]);
        expect(verdicts.map((r) => r.ok)).toEqual([false, false, false, false]);
      }),
      { numRuns: 200 },
    );
  });
});
