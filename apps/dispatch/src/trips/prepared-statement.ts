import { createHash } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/** A statement the database parses and plans once per connection instead of on every run. */
export interface PreparedStatement {
  /** Unique per text: pg refuses one name prepared with two texts on a connection. */
  readonly name: string;
  readonly text: string;
}

/** Names `text` after its own hash, so an edited statement never reuses a stale name. */
export function preparedStatement(label: string, text: string): PreparedStatement {
  return { name: `${label}_${createHash('sha256').update(text).digest('hex').slice(0, 12)}`, text };
}

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a prepared statement on the manager's connection (the caller's transaction). TypeORM
 * sends every query unnamed, so PostgreSQL parses, rewrites and plans it on each run; with a
 * name (pg's extended protocol), the connection keeps the parsed statement and, after five
 * runs, a generic plan (PostgreSQL docs, PREPARE, "plan_cache_mode"). Errors are TypeORM's
 * QueryFailedError, as `EntityManager.query` throws, with the driver's fields (constraint, code).
 * A manager without a query runner of its own (the data source's) runs it alone, on a
 * connection taken from the pool for that one statement (runPreparedAlone).
 */
export async function runPrepared<Row>(db: EntityManager, statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  const runner = db.queryRunner;
  if (!runner) return runPreparedAlone<Row>(db.connection, statement, values);
  if (runner.isReleased) return db.query(statement.text, values);
  const client = (await runner.connect()) as PgClient;
  try {
    const result = await client.query({ name: statement.name, text: statement.text, values });
    return result.rows as Row[];
  } catch (error) {
    throw new QueryFailedError(statement.text, values, error as Error);
  }
}

/**
 * Runs a prepared statement alone, as its own transaction, on a connection taken from the pool
 * for its one round trip (no BEGIN, no COMMIT: PostgreSQL commits a lone statement itself).
 */
export async function runPreparedAlone<Row>(db: DataSource, statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  const runner = db.createQueryRunner();
  try {
    return await runPrepared<Row>(runner.manager, statement, values);
  } finally {
    await runner.release();
  }
}
