/**
 * Proof and root generation over a store of complete nodes. The store is anything that can
 * return the hashes of a batch of coordinates: PostgreSQL in the app (one query per call),
 * MemoryNodeStore in tests and benchmarks. Each function makes at most ONE batched read.
 */
import { assemblePlan, planConsistency, planInclusion, planRoot, ReadPlan } from './proof-plan';
import { NodeCoord } from './tree-geometry';

/**
 * Async port to the node table. Must return one 32-byte hash per coordinate, in order, and
 * throw (e.g. TransparencyLogError MERKLE.NODE_MISSING) when a node is absent.
 */
export interface NodeReader {
  getNodes(coords: readonly NodeCoord[]): Promise<Uint8Array[]>;
}

/** Synchronous twin of {@link NodeReader}, for in-memory stores. */
export interface SyncNodeReader {
  getNodesSync(coords: readonly NodeCoord[]): Uint8Array[];
}

async function run(reader: NodeReader, plan: ReadPlan): Promise<Uint8Array[]> {
  const hashes = plan.coords.length === 0 ? [] : await reader.getNodes(plan.coords);
  return assemblePlan(plan, hashes);
}

function runSync(reader: SyncNodeReader, plan: ReadPlan): Uint8Array[] {
  const hashes = plan.coords.length === 0 ? [] : reader.getNodesSync(plan.coords);
  return assemblePlan(plan, hashes);
}

/** Root hash of the tree of `size` leaves, from at most popcount(size) stored nodes. */
export async function rootHash(reader: NodeReader, size: number): Promise<Uint8Array> {
  return (await run(reader, planRoot(size)))[0];
}

/** Inclusion proof for leaf `index` in the tree of `size` leaves (RFC 9162 section 2.1.3.1), one batched read. */
export async function inclusionProof(reader: NodeReader, index: number, size: number): Promise<Uint8Array[]> {
  return run(reader, planInclusion(index, size));
}

/** Consistency proof from `oldSize` to `newSize` (RFC 9162 section 2.1.4.1), one batched read. */
export async function consistencyProof(reader: NodeReader, oldSize: number, newSize: number): Promise<Uint8Array[]> {
  return run(reader, planConsistency(oldSize, newSize));
}

/** Synchronous {@link rootHash} over an in-memory store. */
export function rootHashSync(reader: SyncNodeReader, size: number): Uint8Array {
  return runSync(reader, planRoot(size))[0];
}

/** Synchronous {@link inclusionProof} over an in-memory store. */
export function inclusionProofSync(reader: SyncNodeReader, index: number, size: number): Uint8Array[] {
  return runSync(reader, planInclusion(index, size));
}

/** Synchronous {@link consistencyProof} over an in-memory store. */
export function consistencyProofSync(reader: SyncNodeReader, oldSize: number, newSize: number): Uint8Array[] {
  return runSync(reader, planConsistency(oldSize, newSize));
}
