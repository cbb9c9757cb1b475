import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The log's large text columns (leaf bodies, disclosed full records: ~5 KiB of JSON each) are
 * TOAST-compressed on insert, under the log_head lock. pglz, the default, was about half the
 * server's cost of a batch insert here; lz4 (PostgreSQL 14+, when the server is built with it)
 * compresses several times faster. Only rows written from now on use it; old rows read as before.
 * Skipped, with nothing changed, on a server without lz4.
 */
export class LogTextLz41763900000400 implements MigrationInterface {
  name = 'LogTextLz41763900000400';

  async up(db: QueryRunner): Promise<void> {
    const [{ lz4 }] = await db.query(
      `SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) AS lz4`,
    );
    if (!lz4) return;
    await db.query(`ALTER TABLE log_leaves ALTER COLUMN body SET COMPRESSION lz4`);
    await db.query(`ALTER TABLE log_leaf_disclosures ALTER COLUMN record SET COMPRESSION lz4`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE log_leaves ALTER COLUMN body SET COMPRESSION default`);
    await db.query(`ALTER TABLE log_leaf_disclosures ALTER COLUMN record SET COMPRESSION default`);
  }
}
