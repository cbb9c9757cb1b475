/**
 * The Verify button: checks one leaf against the log as tools/verify-log does, in the browser.
 * Trusts nothing the server says: the checkpoint must be signed by the log's key and extend the
 * last one this browser saw, the leaf hash is recomputed from the RFC 8785 bytes of the leaf as
 * shown, and the inclusion proof must lead to the checkpoint's root.
 */
import { canonicalBytes } from '@coop/canonical-json';
import { bytesEqual, fromBase64, toBase64 } from './bytes';
import { parseCheckpointBody } from './checkpoint';
import { Fetch, LogGrowth, checkLogGrowth } from './log-growth';
import { hashLeaf, rootFromInclusionProof } from './merkle';
import { KeyValueStore } from './seen-checkpoint';

export type { Fetch } from './log-growth';

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

/** The consistency step in words (the same sentence as the page's banner). */
export function growthInWords(growth: Exclude<LogGrowth, { status: 'unsigned' }>): string {
  switch (growth.status) {
    case 'first':
      return `this browser had seen no checkpoint of this log before; it remembers this one (${growth.current.treeSize} entries)`;
    case 'consistent':
      return `consistent with the checkpoint you saw at size ${growth.seen.treeSize} (RFC 9162 section 2.1.4.2)`;
    case 'inconsistent':
      return `not consistent with the checkpoint you saw at size ${growth.seen.treeSize}: ${growth.reason}`;
  }
}

export interface VerifyOutcome extends VerifyResult {
  /** The log check done on the way, for the page's banner. */
  growth: LogGrowth;
}

export async function verifyDecision(fetchJson: Fetch, store: KeyValueStore, index: number, leaf: object, servedLeafHash: string): Promise<VerifyOutcome> {
  const steps: VerifyStep[] = [];
  const growth = await checkLogGrowth(fetchJson, store);
  const done = () => ({ ok: steps.every((s) => s.ok), steps, growth });
  const checkpoint = growth.current;
  steps.push({
    what: 'Checkpoint signature',
    ok: growth.status !== 'unsigned',
    detail: growth.status === 'unsigned' ? growth.reason : `signed by key ${checkpoint.keyId} for a log of ${checkpoint.treeSize} entries`,
  });
  if (growth.status === 'unsigned') return done();
  steps.push({ what: 'Log only grew', ok: growth.status !== 'inconsistent', detail: growthInWords(growth) });
  // verifyCheckpoint checked that these fields are the signed ones.
  const signed = { body: parseCheckpointBody(checkpoint.body) };

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
