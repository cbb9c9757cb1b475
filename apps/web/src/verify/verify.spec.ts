import { generateKeyPairSync } from 'node:crypto';
import { canonicalBytes } from '@coop/canonical-json';
import { formatCheckpointBody, hashLeaf as nodeHashLeaf, keyId, publicKeyToBase64, signCheckpoint } from '@coop/transparency-log';
import { RefTree, leafData } from '../../../../libs/transparency-log/src/naive-merkle.testing';
import { toBase64 } from './bytes';
import { verifyCheckpoint } from './checkpoint';
import { hashLeaf, rootFromInclusionProof } from './merkle';
import { verifyDecision } from './verify-decision';

/**
 * The browser's WebCrypto verifier against the Node library the server uses (Node's
 * globalThis.crypto is the same WebCrypto API, Ed25519 included).
 */
describe('in-browser verifier', () => {
  it('leads every inclusion proof of trees of 1 to 20 leaves to the RFC 9162 root, and no altered one', async () => {
    for (let n = 1; n <= 20; n++) {
      const leaves = Array.from({ length: n }, (_, i) => nodeHashLeaf(leafData(i)));
      const tree = new RefTree(leaves);
      const root = tree.mth(0, n);
      for (let m = 0; m < n; m++) {
        const proof = tree.path(m, n);
        const ok = await rootFromInclusionProof(m, n, leaves[m], proof);
        expect(ok).toEqual({ ok: true, rootHash: root });
        const other = await rootFromInclusionProof(m, n, leaves[(m + 1) % n], proof);
        if (n > 1) expect(other.ok && Buffer.compare(other.rootHash, root) === 0).toBe(false);
      }
      await expect(rootFromInclusionProof(n, n, leaves[0], [])).resolves.toMatchObject({ ok: false });
    }
  });

  it('hashes leaves as the server does', async () => {
    const leaf = canonicalBytes({ b: [1, 'é'], a: null });
    expect(await hashLeaf(leaf)).toEqual(nodeHashLeaf(leaf));
  });

  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const origin = 'coop.test/dispatch-log';
  const signed = (treeSize: number, rootHash: Uint8Array) => {
    const body = formatCheckpointBody({ origin, treeSize, rootHash, timestamp: '2026-11-23T12:00:00Z' });
    return { origin, treeSize, rootHash: toBase64(rootHash), timestamp: '2026-11-23T12:00:00Z', body, signature: signCheckpoint(body, privateKey), keyId: keyId(origin, publicKey) };
  };
  const key = { algorithm: 'ed25519' as const, publicKey: publicKeyToBase64(publicKey), keyId: keyId(origin, publicKey) };

  it('accepts a checkpoint signed by the log key and refuses an altered one', async () => {
    const cp = signed(5, nodeHashLeaf(leafData(1)));
    await expect(verifyCheckpoint(cp, key)).resolves.toMatchObject({ ok: true, body: { treeSize: 5 } });
    await expect(verifyCheckpoint({ ...cp, body: cp.body.replace('\n5\n', '\n6\n'), treeSize: 6 }, key)).resolves.toEqual({ ok: false, reason: 'the Ed25519 signature does not verify' });
    await expect(verifyCheckpoint({ ...cp, treeSize: 6 }, key)).resolves.toEqual({ ok: false, reason: 'the JSON fields differ from the signed body' });
    const stranger = generateKeyPairSync('ed25519').publicKey;
    await expect(verifyCheckpoint(cp, { ...key, publicKey: publicKeyToBase64(stranger) })).resolves.toMatchObject({ ok: false, reason: expect.stringMatching(/key ID/) });
  });

  it('verifies a leaf end to end, and names what fails when the leaf was changed', async () => {
    const docs = [{ kind: 'a' }, { kind: 'dispatch_decision', record: { choice: { score: 7 } } }, { kind: 'c' }];
    const leaves = docs.map((d) => nodeHashLeaf(canonicalBytes(d)));
    const tree = new RefTree(leaves);
    const cp = signed(3, tree.mth(0, 3));
    const answers: Record<string, unknown> = {
      '/v1/audit/checkpoint': cp,
      '/v1/audit/public-key': key,
      '/v1/audit/decisions/1/proof?treeSize=3': { index: 1, treeSize: 3, leafHash: toBase64(leaves[1]), proof: tree.path(1, 3).map(toBase64) },
    };
    const fetchJson = async <T>(path: string) => answers[path] as T;
    const storage = new Map<string, string>();
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    const good = await verifyDecision(fetchJson, store, 1, docs[1], toBase64(leaves[1]));
    expect(good.steps.map((s) => [s.what, s.ok])).toEqual([['Checkpoint signature', true], ['Log only grew', true], ['Leaf hash', true], ['Inclusion proof', true]]);
    expect(good.ok).toBe(true);
    expect(good.growth.status).toBe('first');

    const tampered = await verifyDecision(fetchJson, store, 1, { ...docs[1], record: { choice: { score: 8 } } }, toBase64(leaves[1]));
    expect(tampered.growth.status).toBe('consistent');
    expect(tampered.ok).toBe(false);
    expect(tampered.steps.filter((s) => !s.ok).map((s) => s.what)).toEqual(['Leaf hash', 'Inclusion proof']);
  });
});
