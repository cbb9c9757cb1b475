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
    if (result.nodes.length > 0) {
      await this.db.query(
        `INSERT INTO log_nodes (level, index, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
        [result.nodes.map((n) => n.level), result.nodes.map((n) => String(n.index)), result.nodes.map((n) => Buffer.from(n.hash))],
      );
    }
    return result;
  }
}
