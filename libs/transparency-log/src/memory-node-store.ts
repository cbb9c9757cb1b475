/**
 * An in-memory node store: one flat Buffer per level (32 bytes per node), so ten million
 * leaves cost about 640 MB and no per-node objects. Used by tests and benchmarks, and as the
 * reference behaviour for the PostgreSQL store: complete nodes only, append-only, a missing
 * node is an error rather than a guess.
 */
import { AppendResult, appendLeavesSync, NewNode } from './appender';
import { bytesEqual, HASH_SIZE } from './hashing';
import { TransparencyLogError } from './merkle.errors';
import { NodeReader, rootHashSync, SyncNodeReader } from './node-reader';
import { NodeCoord } from './tree-geometry';

const INITIAL_CAPACITY = 1024;

/** In-memory implementation of NodeReader / SyncNodeReader with an append operation. */
export class MemoryNodeStore implements NodeReader, SyncNodeReader {
  private readonly levels: Buffer[] = [];
  private readonly counts: number[] = [];

  /** `expectedLeaves` preallocates the level buffers exactly, avoiding regrowth copies in big benchmarks. */
  constructor(private readonly options: { readonly expectedLeaves?: number } = {}) {}

  /** Number of leaves appended so far. */
  get size(): number {
    return this.counts[0] ?? 0;
  }

  /** Number of stored nodes at `level` (floor(size / 2^level) once appends are done). */
  countAt(level: number): number {
    return this.counts[level] ?? 0;
  }

  /** Synchronously fetch node hashes (copies), throwing MERKLE.NODE_MISSING for an absent node. */
  getNodesSync(coords: readonly NodeCoord[]): Uint8Array[] {
    return coords.map((c) => {
      if (!(c.level >= 0 && c.index >= 0 && c.index < this.countAt(c.level) && Number.isInteger(c.index))) {
        throw new TransparencyLogError('MERKLE.NODE_MISSING', `no node (${c.level}, ${c.index})`);
      }
      const at = c.index * HASH_SIZE;
      return Uint8Array.prototype.slice.call(this.levels[c.level], at, at + HASH_SIZE);
    });
  }

  /** NodeReader port over the same data. */
  async getNodes(coords: readonly NodeCoord[]): Promise<Uint8Array[]> {
    return this.getNodesSync(coords);
  }

  /**
   * Store nodes. Like an INSERT ... ON CONFLICT DO NOTHING plus a check: rewriting a node with
   * the same hash is a no-op, with a different hash is MERKLE.STORE_INCONSISTENT. Nodes of a
   * level must arrive without gaps (the appender emits them in that order).
   */
  putNodes(nodes: readonly NewNode[]): void {
    for (const n of nodes) {
      const count = this.countAt(n.level);
      if (n.index < count) {
        const [existing] = this.getNodesSync([n]);
        if (!bytesEqual(existing, n.hash)) {
          throw new TransparencyLogError('MERKLE.STORE_INCONSISTENT', `node (${n.level}, ${n.index}) already differs`);
        }
        continue;
      }
      if (n.index !== count || n.hash.length !== HASH_SIZE) {
        throw new TransparencyLogError('MERKLE.STORE_INCONSISTENT', `node (${n.level}, ${n.index}) would leave a gap`);
      }
      this.ensureCapacity(n.level, count + 1);
      this.levels[n.level].set(n.hash, count * HASH_SIZE);
      this.counts[n.level] = count + 1;
    }
  }

  /** Append leaf hashes through the storage-agnostic appender, store the new nodes, return the result. */
  append(leafHashes: readonly Uint8Array[]): AppendResult {
    const result = appendLeavesSync(this, this.size, leafHashes);
    this.putNodes(result.nodes);
    return result;
  }

  /** Root hash at any size up to the current one (defaults to the current size). */
  rootHash(size: number = this.size): Uint8Array {
    return rootHashSync(this, size);
  }

  /** Bytes held by the level buffers (for benchmarks). */
  byteLength(): number {
    return this.levels.reduce((sum, b) => sum + b.length, 0);
  }

  private ensureCapacity(level: number, nodes: number): void {
    while (this.levels.length <= level) {
      const expected = Math.ceil((this.options.expectedLeaves ?? 0) / 2 ** this.levels.length);
      this.levels.push(Buffer.alloc(Math.max(expected, INITIAL_CAPACITY) * HASH_SIZE));
      this.counts.push(0);
    }
    const buf = this.levels[level];
    if (buf.length >= nodes * HASH_SIZE) return;
    let capacity = buf.length / HASH_SIZE;
    while (capacity < nodes) capacity *= 2;
    const grown = Buffer.alloc(capacity * HASH_SIZE);
    buf.copy(grown, 0, 0, this.countAt(level) * HASH_SIZE);
    this.levels[level] = grown;
  }
}
