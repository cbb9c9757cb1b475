/**
 * The Verify button: checks one leaf against the log as tools/verify-log does, in the browser.
 * Trusts nothing the server says: the leaf hash is recomputed from the RFC 8785 bytes of the
 * leaf as shown, the proof must lead to the root in the checkpoint, and the checkpoint must be
 * signed by the log's key.
 */
import { canonicalBytes } from '@coop/canonical-json';
import { bytesEqual, fromBase64, toBase64 } from './bytes';
import { CheckpointJson, PublicKeyJson, verifyCheckpoint } from './checkpoint';
import { hashLeaf, rootFromInclusionProof } from './merkle';

/** One line of the result, for the page. */
export interface VerifyStep {
  what: string;
  ok: boolean;
  detail: string;
}

export interface VerifyResult {
  ok: boolean;
  steps: VerifyStep[];
}

interface InclusionJson {
  index: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

/** How the verifier reads the API (the page's fetch wrapper; a stub in tests). */
export type Fetch = <T>(path: string) => Promise<T>;

export async function verifyDecision(fetchJson: Fetch, index: number, leaf: object, servedLeafHash: string): Promise<VerifyResult> {
  const steps: VerifyStep[] = [];
  const done = () => ({ ok: steps.every((s) => s.ok), steps });

  const [checkpoint, key] = await Promise.all([fetchJson<CheckpointJson>('/v1/audit/checkpoint'), fetchJson<PublicKeyJson>('/v1/audit/public-key')]);
  const signed = await verifyCheckpoint(checkpoint, key);
  steps.push({
    what: 'Checkpoint signature',
    ok: signed.ok,
    detail: signed.ok ? `signed by key ${checkpoint.keyId} for a log of ${checkpoint.treeSize} entries` : signed.reason,
  });
  if (!signed.ok) return done();

  const leafHash = await hashLeaf(canonicalBytes(leaf));
  const sameHash = toBase64(leafHash) === servedLeafHash;
  steps.push({
    what: 'Leaf hash',
    ok: sameHash,
    detail: sameHash ? 'recomputed from the decision as shown; matches the stored hash' : 'the decision as shown does not hash to the hash the server stored',
  });

  if (index >= signed.body.treeSize) {
    steps.push({ what: 'Inclusion proof', ok: false, detail: `entry ${index} is not in a signed checkpoint yet; try again in a few seconds` });
    return done();
  }
  const inclusion = await fetchJson<InclusionJson>(`/v1/audit/decisions/${index}/proof?treeSize=${signed.body.treeSize}`);
  const root = await rootFromInclusionProof(index, signed.body.treeSize, leafHash, inclusion.proof.map(fromBase64));
  const included = root.ok && bytesEqual(root.rootHash, signed.body.rootHash);
  steps.push({
    what: 'Inclusion proof',
    ok: included,
    detail: included
      ? `entry ${index} is in the signed log (RFC 9162 section 2.1.3.2, ${inclusion.proof.length} hashes)`
      : root.ok ? 'the proof does not lead to the signed root: this decision is not the one the log committed to' : root.reason,
  });
  return done();
}
