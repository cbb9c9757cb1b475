/**
 * The transparency-dev/merkle RFC 6962 vectors (inclusion and consistency, every wantErr case),
 * shipped beside the repository in shared/test-vectors/rfc6962. A missing folder FAILS the suite:
 * these vectors are the independent check on our verifier.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  hashLeaf,
  inclusionProofSync,
  consistencyProofSync,
  MemoryNodeStore,
  verifyConsistency,
  verifyInclusion,
} from '@coop/transparency-log';
import { hex } from './naive-merkle.testing';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const vectorsDir = path.resolve(repoRoot, '..', 'shared', 'test-vectors', 'rfc6962', 'testdata');

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return jsonFilesUnder(full);
      return name.endsWith('.json') ? [full] : [];
    });
}

function load<T>(kind: 'inclusion' | 'consistency'): Array<[string, T]> {
  const dir = path.join(vectorsDir, kind);
  if (!existsSync(dir)) {
    throw new Error(`RFC 6962 test vectors not found at ${dir}; CI must clone shared/ beside the repository`);
  }
  return jsonFilesUnder(dir).map((f) => [path.relative(vectorsDir, f), JSON.parse(readFileSync(f, 'utf8')) as T]);
}

const b64 = (s: string | null | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64'));

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const inclusion = load<InclusionVector>('inclusion');
const consistency = load<ConsistencyVector>('consistency');

// The eight leaves the vectors are built on (README.md).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const store = new MemoryNodeStore();
store.append(LEAVES.map((h) => hashLeaf(Buffer.from(h, 'hex'))));

describe('RFC 6962 test vectors', () => {
  it('found the whole vector set', () => {
    expect(inclusion.length).toBeGreaterThanOrEqual(98);
    expect(consistency.length).toBeGreaterThanOrEqual(98);
    expect(inclusion.some(([, v]) => v.wantErr)).toBe(true);
    expect(consistency.some(([, v]) => !v.wantErr)).toBe(true);
  });

  describe('inclusion', () => {
    it.each(inclusion)('%s', (_file, v) => {
      const result = verifyInclusion({
        index: v.leafIdx,
        treeSize: v.treeSize,
        leafHash: b64(v.leafHash),
        proof: (v.proof ?? []).map(b64),
        rootHash: b64(v.root),
      });
      expect(result.ok).toBe(!v.wantErr);
      if (!v.wantErr && v.treeSize <= LEAVES.length) {
        // Happy paths over the standard leaves: our generator must produce the same proof.
        expect(hex(inclusionProofSync(store, v.leafIdx, v.treeSize))).toEqual(hex((v.proof ?? []).map(b64)));
      }
    });
  });

  describe('consistency', () => {
    it.each(consistency)('%s', (_file, v) => {
      const result = verifyConsistency({
        oldSize: v.size1,
        newSize: v.size2,
        oldRoot: b64(v.root1),
        newRoot: b64(v.root2),
        proof: (v.proof ?? []).map(b64),
      });
      expect(result.ok).toBe(!v.wantErr);
      if (!v.wantErr && v.size2 <= LEAVES.length && v.size1 > 0) {
        const ours = consistencyProofSync(store, v.size1, v.size2);
        const expectedRoots = [store.rootHash(v.size1), store.rootHash(v.size2)].map((h) => Buffer.from(h).toString('base64'));
        if (expectedRoots[0] === v.root1 && expectedRoots[1] === v.root2) {
          expect(hex(ours)).toEqual(hex((v.proof ?? []).map(b64)));
        }
      }
    });
  });
});
