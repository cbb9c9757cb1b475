import { generateKeyPairSync } from 'node:crypto';
import { formatCheckpointBody, hashLeaf, keyId, publicKeyToBase64, signCheckpoint } from '@coop/transparency-log';
import { RefTree, leafData } from '../../../../libs/transparency-log/src/naive-merkle.testing';
import { toBase64 } from './bytes';
import { checkLogGrowth } from './log-growth';
import { loadSeenCheckpoint, seenCheckpointKey } from './seen-checkpoint';

/**
 * The page's "the log only grew" check against a log built and signed with the server's own
 * library: a growing log passes and advances the remembered checkpoint; a rewritten one, a
 * forged memory, a shrunk log or a refused proof is reported and the memory kept.
 */
describe('the log only grew since this browser last looked', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const origin = 'coop.test/dispatch-log';
  const key = { algorithm: 'ed25519' as const, publicKey: publicKeyToBase64(publicKey), keyId: keyId(origin, publicKey) };

  /** A server over `leaves`, answering with the checkpoint of `size` and proofs from the reference tree. */
  function server(leaves: Uint8Array[], size: number) {
    const tree = new RefTree(leaves);
    const root = tree.mth(0, size);
    const timestamp = '2026-11-23T12:00:00Z';
    const body = formatCheckpointBody({ origin, treeSize: size, rootHash: root, timestamp });
    const checkpoint = { origin, treeSize: size, rootHash: toBase64(root), timestamp, body, signature: signCheckpoint(body, privateKey), keyId: key.keyId };
    const asked: string[] = [];
    const fetchJson = async <T>(path: string): Promise<T> => {
      asked.push(path);
      if (path === '/v1/audit/checkpoint') return checkpoint as T;
      if (path === '/v1/audit/public-key') return key as T;
      const m = /^\/v1\/audit\/consistency\?from=(\d+)&to=(\d+)$/.exec(path);
      if (m && Number(m[2]) <= size) return { from: Number(m[1]), to: Number(m[2]), proof: tree.proof(Number(m[1]), Number(m[2])).map(toBase64) } as T;
      throw new Error(`416 ${path}`);
    };
    return { fetchJson, asked, checkpoint };
  }

  const leaves = Array.from({ length: 12 }, (_, i) => hashLeaf(leafData(i)));
  const memory = () => {
    const map = new Map<string, string>();
    return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
  };

  it('remembers the first checkpoint, then accepts a grown log by its consistency proof and remembers that', async () => {
    const store = memory();
    await expect(checkLogGrowth(server(leaves, 5).fetchJson, store)).resolves.toMatchObject({ status: 'first' });
    expect(loadSeenCheckpoint(store, origin, key.keyId)?.treeSize).toBe(5);

    const grown = server(leaves, 11);
    await expect(checkLogGrowth(grown.fetchJson, store)).resolves.toMatchObject({ status: 'consistent', seen: { treeSize: 5 }, current: { treeSize: 11 } });
    expect(grown.asked).toContain('/v1/audit/consistency?from=5&to=11');
    expect(loadSeenCheckpoint(store, origin, key.keyId)?.treeSize).toBe(11);

    // The same checkpoint again needs no proof.
    const same = server(leaves, 11);
    await expect(checkLogGrowth(same.fetchJson, store)).resolves.toMatchObject({ status: 'consistent' });
    expect(same.asked.some((p) => p.includes('consistency'))).toBe(false);
  });

  it('reports a log that rewrote an entry the member had seen, and keeps the old checkpoint as evidence', async () => {
    const store = memory();
    await checkLogGrowth(server(leaves, 4).fetchJson, store);
    const rewritten = leaves.map((l, i) => (i === 2 ? hashLeaf(leafData(1000)) : l));
    const result = await checkLogGrowth(server(rewritten, 9).fetchJson, store);
    expect(result).toMatchObject({ status: 'inconsistent', seen: { treeSize: 4 }, reason: expect.stringMatching(/^the consistency proof from 4 to 9 entries fails/) });
    expect(loadSeenCheckpoint(store, origin, key.keyId)?.treeSize).toBe(4);
  });

  it('reports a forged memory, two roots for one size, a shrunk log and a refused proof', async () => {
    const store = memory();
    await checkLogGrowth(server(leaves, 6).fetchJson, store);
    const k = seenCheckpointKey(origin, key.keyId);
    const honest = store.map.get(k)!;

    store.map.set(k, JSON.stringify({ ...JSON.parse(honest), rootHash: toBase64(leaves[0]) }));
    await expect(checkLogGrowth(server(leaves, 8).fetchJson, store)).resolves.toMatchObject({ status: 'inconsistent', reason: expect.stringContaining('fails') });
    await expect(checkLogGrowth(server(leaves, 6).fetchJson, store)).resolves.toMatchObject({ status: 'inconsistent', reason: 'the log signed two different roots for 6 entries' });

    store.map.set(k, honest);
    // A smaller checkpoint is fine only if it is a prefix of the one seen; this server cannot prove that.
    await expect(checkLogGrowth(server(leaves, 3).fetchJson, store)).resolves.toMatchObject({ status: 'inconsistent', reason: expect.stringContaining('would not give') });
    expect(loadSeenCheckpoint(store, origin, key.keyId)?.treeSize).toBe(6);
  });

  it('does not check consistency against a checkpoint whose signature fails', async () => {
    const store = memory();
    const forged = server(leaves, 7);
    forged.checkpoint.signature = forged.checkpoint.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    await expect(checkLogGrowth(forged.fetchJson, store)).resolves.toMatchObject({ status: 'unsigned' });
    expect(store.map.size).toBe(0);
  });
});
