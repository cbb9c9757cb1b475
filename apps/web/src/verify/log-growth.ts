/**
 * Before the page trusts a new checkpoint it checks that the log only grew since the last one
 * this browser verified: the RFC 9162 section 2.1.4 consistency proof from that size to the new
 * one. A log that rewrote or dropped an entry cannot produce it. Only a checkpoint that passes
 * replaces the remembered one, so a failure stays on screen (and its evidence in storage).
 */
import { fromBase64 } from './bytes';
import { CheckpointJson, PublicKeyJson, verifyCheckpoint } from './checkpoint';
import { verifyConsistency } from './consistency';
import { KeyValueStore, SeenCheckpoint, loadSeenCheckpoint, rememberCheckpoint } from './seen-checkpoint';

/** How the verifier reads the API (the page's fetch wrapper; a stub in tests). */
export type Fetch = <T>(path: string) => Promise<T>;

export type LogGrowth =
  /** The latest checkpoint is not validly signed: nothing else can be checked. */
  | { status: 'unsigned'; current: CheckpointJson; reason: string }
  /** Nothing remembered for this log and key: the current checkpoint is remembered from now on. */
  | { status: 'first'; current: CheckpointJson }
  | { status: 'consistent'; current: CheckpointJson; seen: SeenCheckpoint }
  /** The log cannot show that it extends what this browser saw: it rewrote or hid history. */
  | { status: 'inconsistent'; current: CheckpointJson; seen: SeenCheckpoint; reason: string };

interface ConsistencyJson {
  from: number;
  to: number;
  proof: string[];
}

/** Fetches and checks the latest checkpoint against the remembered one; remembers it if it passes. */
export async function checkLogGrowth(fetchJson: Fetch, store: KeyValueStore, now: () => Date = () => new Date()): Promise<LogGrowth> {
  const [current, key] = await Promise.all([fetchJson<CheckpointJson>('/v1/audit/checkpoint'), fetchJson<PublicKeyJson>('/v1/audit/public-key')]);
  const signed = await verifyCheckpoint(current, key);
  if (!signed.ok) return { status: 'unsigned', current, reason: signed.reason };

  const seen = loadSeenCheckpoint(store, current.origin, current.keyId);
  if (!seen) {
    rememberCheckpoint(store, current, now());
    return { status: 'first', current };
  }
  const reason = await whyNotExtended(fetchJson, seen, current);
  if (reason) return { status: 'inconsistent', current, seen, reason };
  // Keep the larger of the two: a server may briefly serve an older checkpoint it signed before.
  if (current.treeSize > seen.treeSize) rememberCheckpoint(store, current, now());
  return { status: 'consistent', current, seen };
}

/** Why `current` does not provably extend `seen`, or undefined when it does. */
async function whyNotExtended(fetchJson: Fetch, seen: SeenCheckpoint, current: CheckpointJson): Promise<string | undefined> {
  // The empty tree is a prefix of every tree; there is no proof to ask for (nor to check).
  if (seen.treeSize === 0) return undefined;
  const seenRoot = fromBase64(seen.rootHash);
  const currentRoot = fromBase64(current.rootHash);
  if (seen.treeSize >= current.treeSize) {
    // Not newer: an older tree head must be a prefix of the one seen, which we cannot prove
    // without asking the other way round; a same-size head must have the same root.
    if (seen.treeSize === current.treeSize) {
      const same = await verifyConsistency(seen.treeSize, current.treeSize, seenRoot, currentRoot, []);
      return same.ok ? undefined : `the log signed two different roots for ${seen.treeSize} entries`;
    }
    return provenOrWhy(fetchJson, current.treeSize, seen.treeSize, currentRoot, seenRoot);
  }
  return provenOrWhy(fetchJson, seen.treeSize, current.treeSize, seenRoot, currentRoot);
}

async function provenOrWhy(fetchJson: Fetch, from: number, to: number, fromRoot: Uint8Array, toRoot: Uint8Array): Promise<string | undefined> {
  let answer: ConsistencyJson;
  try {
    answer = await fetchJson<ConsistencyJson>(`/v1/audit/consistency?from=${from}&to=${to}`);
  } catch (error) {
    return `the log would not give a consistency proof from ${from} to ${to} entries (${(error as Error).message})`;
  }
  if (answer.from !== from || answer.to !== to) return `asked for a proof from ${from} to ${to}, got one from ${answer.from} to ${answer.to}`;
  let proof: Uint8Array[];
  try {
    proof = answer.proof.map(fromBase64);
  } catch {
    return 'the consistency proof is not base64';
  }
  const verdict = await verifyConsistency(from, to, fromRoot, toRoot, proof);
  return verdict.ok ? undefined : `the consistency proof from ${from} to ${to} entries fails: ${verdict.reason}`;
}
