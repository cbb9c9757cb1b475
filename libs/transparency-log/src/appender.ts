/**
 * Appending leaves: which complete nodes become complete, and the new root.
 *
 * The tree of size n is summarised by its "right edge", the complete subtrees of
 * decomposeRange(0, n) (one per set bit of n, largest first). Appending a leaf is a binary
 * counter increment on that stack: push the leaf (level 0); while the two topmost nodes have
 * the same level, they are siblings, so hash them into their parent, which is now complete.
 * Every node pushed is new and must be stored; the root of the new size is the right fold of
 * the stack (RFC 9162 section 2.1.1).
 */
import { assertHash, emptyRootHash, hashChildren } from './hashing';
import { TransparencyLogError } from './merkle.errors';
import { NodeReader, SyncNodeReader } from './node-reader';
import { assertSize, decomposeRange, NodeCoord } from './tree-geometry';

/** A node that just became complete and must be persisted. */
export interface NewNode extends NodeCoord {
  readonly hash: Uint8Array;
}

/** What an append produces: the nodes to store (in creation order), the new size and root. */
export interface AppendResult {
  readonly nodes: NewNode[];
  readonly size: number;
  readonly rootHash: Uint8Array;
  /**
   * The right edge of the new tree: the hashes of planAppend(size), in that order. A writer
   * that keeps it can compute its next append without reading the edge back from storage.
   */
  readonly edge: Uint8Array[];
}

/** The stored nodes an append to a tree of `size` leaves must read: its right edge (popcount(size) nodes). */
export function planAppend(size: number): NodeCoord[] {
  assertSize(size, 'size');
  return decomposeRange(0, size);
}

/**
 * Pure core of the append: given the right-edge hashes of the tree of `size` leaves (in the
 * order of planAppend(size)) and the new leaf hashes, list the new complete nodes and the new root.
 */
export function computeAppend(
  size: number,
  edgeHashes: readonly Uint8Array[],
  leafHashes: readonly Uint8Array[],
): AppendResult {
  const edge = planAppend(size);
  if (edgeHashes.length !== edge.length) {
    throw new TransparencyLogError(
      'MERKLE.STORE_INCONSISTENT',
      `right edge of size ${size} has ${edge.length} nodes, got ${edgeHashes.length} hashes`,
    );
  }
  const newSize = size + leafHashes.length;
  assertSize(newSize, 'new size');
  const stack: NewNode[] = edge.map((c, i) => {
    assertHash(edgeHashes[i], `edge node (${c.level}, ${c.index})`);
    return { level: c.level, index: c.index, hash: edgeHashes[i] };
  });
  const nodes: NewNode[] = [];
  for (let j = 0; j < leafHashes.length; j++) {
    assertHash(leafHashes[j], `leaf hash ${j}`);
    let top: NewNode = { level: 0, index: size + j, hash: leafHashes[j] };
    nodes.push(top);
    while (stack.length > 0 && stack[stack.length - 1].level === top.level) {
      const left = stack.pop() as NewNode;
      top = { level: top.level + 1, index: left.index / 2, hash: hashChildren(left.hash, top.hash) };
      nodes.push(top);
    }
    stack.push(top);
  }
  let root = stack.length === 0 ? emptyRootHash() : stack[stack.length - 1].hash;
  for (let i = stack.length - 2; i >= 0; i--) root = hashChildren(stack[i].hash, root);
  return { nodes, size: newSize, rootHash: root, edge: stack.map((n) => n.hash) };
}

/** Append leaf hashes to the tree of `size` leaves: reads the right edge in one batch, returns what to store. */
export async function appendLeaves(
  reader: NodeReader,
  size: number,
  leafHashes: readonly Uint8Array[],
): Promise<AppendResult> {
  const edge = planAppend(size);
  const edgeHashes = edge.length === 0 ? [] : await reader.getNodes(edge);
  return computeAppend(size, edgeHashes, leafHashes);
}

/** Synchronous {@link appendLeaves} over an in-memory store. */
export function appendLeavesSync(
  reader: SyncNodeReader,
  size: number,
  leafHashes: readonly Uint8Array[],
): AppendResult {
  const edge = planAppend(size);
  const edgeHashes = edge.length === 0 ? [] : reader.getNodesSync(edge);
  return computeAppend(size, edgeHashes, leafHashes);
}
