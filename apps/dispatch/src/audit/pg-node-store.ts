/**
 * The Merkle node table (log_nodes) behind the transparency-log library's NodeReader port:
 * every complete subtree hash keyed by (level, index). A proof or root is one query for at most
 * 2*ceil(log2 n)+2 rows by primary key, whatever the log's size; an append reads the tree's
 * right edge (popcount(size) rows) and inserts the nodes that became complete, in the caller's
 * transaction, so leaves and nodes commit or roll back together.
 */
import { AppendResult, NodeCoord, NodeReader, TransparencyLogError, appendLeaves } from '@coop/transparency-log';

/** Anything that runs SQL: the DataSource, or an EntityManager inside a transaction. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** NodeReader over log_nodes through one connection or transaction. */
export class PgNodeStore implements NodeReader {
  constructor(private readonly db: Queryable) {}

  /** One query for the whole batch; MERKLE.NODE_MISSING when a node the tree must have is absent. */
  async getNodes(coords: readonly NodeCoord[]): Promise<Uint8Array[]> {
    if (coords.length === 0) return [];
    const rows: { ord: string; hash: Buffer | null }[] = await this.db.query(
      `SELECT c.ord, n.hash
       FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS c(level, index, ord)
       LEFT JOIN log_nodes n ON n.level = c.level AND n.index = c.index
       ORDER BY c.ord`,
      [coords.map((c) => c.level), coords.map((c) => String(c.index))],
    );
    return rows.map((r, i) => {
      if (!r.hash) {
        const c = coords[i];
        throw new TransparencyLogError('MERKLE.NODE_MISSING', `log_nodes has no node (${c.level}, ${c.index})`);
      }
      return new Uint8Array(r.hash);
    });
  }

  /**
   * Appends leaf hashes to the tree of `size` leaves: stores every node that became complete
   * (a plain INSERT, so a node that already exists is an error, never silently kept) and
   * returns the new size and root. The caller must hold the log's append lock (log_head row).
   */
  async append(size: number, leafHashes: readonly Uint8Array[]): Promise<AppendResult> {
    const result = await appendLeaves(this, size, leafHashes);
    if (result.nodes.length > 0) await this.db.query(INSERT_NODES, nodeParams(result));
    return result;
  }
}

/** Inserts the new nodes of an append ($1 levels, $2 indices, $3 hashes): a plain INSERT, so an existing node is an error. */
export const INSERT_NODES = `INSERT INTO log_nodes (level, index, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`;

/** Parameters of {@link INSERT_NODES}. */
export function nodeParams(result: AppendResult): unknown[] {
  return [result.nodes.map((n) => n.level), result.nodes.map((n) => String(n.index)), result.nodes.map((n) => Buffer.from(n.hash))];
}

/**
 * SQL for the right edge of the tree of `size` leaves (`size` a bigint SQL expression), in
 * planAppend order: one node per set bit L of size, largest first. That subtree starts at
 * start = (size >> (L+1)) << (L+1), so its index is start / 2^L = (size >> L) - 1 (bit L is set).
 * Lets an append read its edge in the statement that reserves its index; computeAppend checks
 * the count, and the node-store tests compare every root with the in-memory tree.
 */
export function rightEdgeSql(size: string): string {
  return `SELECT n.level, n.hash FROM generate_series(62, 0, -1) AS b(level)
          JOIN log_nodes n ON n.level = b.level AND n.index = (${size} >> b.level) - 1
          WHERE ((${size} >> b.level) & 1) = 1
          ORDER BY b.level DESC`;
}
