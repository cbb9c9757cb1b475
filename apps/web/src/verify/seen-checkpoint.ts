/**
 * The last checkpoint this browser verified, remembered per log origin and key ID (in
 * localStorage, so it outlives the tab and the sign-in): the next visit checks that the log only
 * grew from it. The signed body and signature are kept too, so that if the log ever rewrites
 * history the member holds two signed, contradicting tree heads as evidence.
 */
import { CheckpointJson } from './checkpoint';

export interface SeenCheckpoint {
  origin: string;
  keyId: string;
  treeSize: number;
  rootHash: string;
  timestamp: string;
  body: string;
  signature: string;
  /** When this browser verified it (ISO 8601). */
  seenAt: string;
}

/** The part of the Web Storage API used here (a Map-backed stand-in in unit tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

export function seenCheckpointKey(origin: string, keyId: string): string {
  return `coop.seen-checkpoint.v1:${origin}:${keyId}`;
}

/** The remembered checkpoint, or undefined when there is none or it is unreadable. */
export function loadSeenCheckpoint(store: KeyValueStore, origin: string, keyId: string): SeenCheckpoint | undefined {
  const raw = store.getItem(seenCheckpointKey(origin, keyId));
  if (!raw) return undefined;
  try {
    const seen = JSON.parse(raw) as SeenCheckpoint;
    return Number.isSafeInteger(seen.treeSize) && typeof seen.rootHash === 'string' ? seen : undefined;
  } catch {
    return undefined;
  }
}

export function rememberCheckpoint(store: KeyValueStore, cp: CheckpointJson, seenAt: Date): SeenCheckpoint {
  const seen: SeenCheckpoint = {
    origin: cp.origin,
    keyId: cp.keyId,
    treeSize: cp.treeSize,
    rootHash: cp.rootHash,
    timestamp: cp.timestamp,
    body: cp.body,
    signature: cp.signature,
    seenAt: seenAt.toISOString(),
  };
  store.setItem(seenCheckpointKey(cp.origin, cp.keyId), JSON.stringify(seen));
  return seen;
}
