import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Storage behind proofs and signed tree heads of the transparency log
 * (libs/transparency-log README, "Storage model"):
 *
 * - log_nodes: every complete subtree hash, (level, index) -> SHA-256, written once in the
 *   appending transaction, so a proof for any index is one indexed read of O(log n) rows.
 * - log_checkpoints: every signed tree head, one per tree size, never changed.
 * - log_leaf_disclosures: the salt and full record behind a leaf's `sealed` commitment (the
 *   public leaf carries pseudonyms and coarse cells; this row lets an auditor check and replay
 *   the exact decision). Kept beside, not inside, the hashed leaf.
 *
 * Leaves logged before this migration get their nodes here, level by level, in SQL.
 */
export class LogNodesCheckpoints1763900000200 implements MigrationInterface {
  name = 'LogNodesCheckpoints1763900000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE log_nodes (
        level smallint NOT NULL CHECK (level >= 0 AND level < 64),
        index bigint NOT NULL CHECK (index >= 0),
        hash bytea NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, index)
      )`);
    await db.query(`CREATE TRIGGER log_nodes_append_only BEFORE UPDATE OR DELETE ON log_nodes
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await db.query(`
      CREATE TABLE log_checkpoints (
        tree_size bigint PRIMARY KEY CHECK (tree_size >= 0),
        root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
        signed_at timestamptz NOT NULL,
        body text NOT NULL,
        signature text NOT NULL,
        key_id text NOT NULL
      )`);
    await db.query(`CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await db.query(`
      CREATE TABLE log_leaf_disclosures (
        index bigint PRIMARY KEY REFERENCES log_leaves (index),
        salt bytea NOT NULL CHECK (length(salt) = 16),
        record text NOT NULL
      )`);
    await db.query(`CREATE TRIGGER log_leaf_disclosures_append_only BEFORE UPDATE OR DELETE ON log_leaf_disclosures
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    // The checkpoint job looks for policy versions not yet logged on every tick.
    await db.query(`CREATE INDEX log_leaves_policy_activations ON log_leaves (index) WHERE kind = 'policy_activation'`);

    // Backfill: level 0 is the leaf hashes; node (L+1, i) = SHA-256(0x01 || (L, 2i) || (L, 2i+1)).
    await db.query(`INSERT INTO log_nodes (level, index, hash) SELECT 0, index, leaf_hash FROM log_leaves`);
    for (let level = 0; level < 63; level++) {
      const inserted: unknown = await db.query(
        `INSERT INTO log_nodes (level, index, hash)
         SELECT $1::smallint + 1, l.index / 2, sha256('\\x01'::bytea || l.hash || r.hash)
         FROM log_nodes l JOIN log_nodes r ON r.level = l.level AND r.index = l.index + 1
         WHERE l.level = $1 AND l.index % 2 = 0
         RETURNING 1`,
        [level],
      );
      if (!Array.isArray(inserted) || inserted.length === 0) break;
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS log_leaf_disclosures`);
    await db.query(`DROP TABLE IF EXISTS log_checkpoints`);
    await db.query(`DROP TABLE IF EXISTS log_nodes`);
    await db.query(`DROP INDEX IF EXISTS log_leaves_policy_activations`);
  }
}
