import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * log_head also holds the root of the tree it counts. A log writer that remembers the tree it
 * left (size, root, right edge) can then append in ONE autocommitted statement,
 * `UPDATE log_head ... WHERE size = <its size> AND root = <its root>` plus the inserts: if any
 * other writer appended in between, the row no longer matches, nothing is inserted, and the
 * writer falls back to reading the edge under the lock. The root, not the size alone, because
 * another writer's batch of the same length would leave the same size with other nodes.
 * NULL until the next locked append sets it (no backfill needed: a NULL never matches).
 */
export class LogHeadRoot1763900000600 implements MigrationInterface {
  name = 'LogHeadRoot1763900000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE log_head ADD COLUMN root bytea CHECK (length(root) = 32)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE log_head DROP COLUMN IF EXISTS root`);
  }
}
