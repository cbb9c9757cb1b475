import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only log of dispatch decisions and policy activations. Indices are handed out
 * by one counter row inside the appending transaction, so they are contiguous from 0, never
 * reused (a rolled-back append rolls back its index too) and in one order across processes.
 */
export class DecisionLog1763900000001 implements MigrationInterface {
  name = 'DecisionLog1763900000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE log_head (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        size bigint NOT NULL
      )`);
    await db.query(`INSERT INTO log_head (id, size) VALUES (true, 0)`);
    await db.query(`
      CREATE TABLE log_leaves (
        index bigint PRIMARY KEY CHECK (index >= 0),
        kind text NOT NULL,
        body text NOT NULL,
        leaf_hash bytea NOT NULL,
        trip_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX log_leaves_by_trip ON log_leaves (trip_id) WHERE trip_id IS NOT NULL`);
    await db.query(`CREATE TRIGGER log_leaves_append_only BEFORE UPDATE OR DELETE ON log_leaves
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS log_leaves`);
    await db.query(`DROP TABLE IF EXISTS log_head`);
  }
}
