import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseNameOf, withDatabase } from '@coop/platform';

/** The server the tests use: TEST_DATABASE_URL, else the local default. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** Refuses any database whose name does not say it is for tests. */
export function assertTestDatabase(name: string): void {
  if (!/test/.test(name)) throw new Error(`refusing to touch database "${name}": its name does not say test`);
}

/** Runs one statement on the server's maintenance database. */
export async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database copied from the migrated template made by the global setup. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = process.env.COOP_TEST_TEMPLATE;
  if (!template) throw new Error('COOP_TEST_TEMPLATE is unset: run integration tests through jest (global setup)');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  assertTestDatabase(name);
  await onServer(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = withDatabase(testServerUrl(), name);
  return {
    url,
    drop: () => onServer(`DROP DATABASE IF EXISTS "${databaseNameOf(url)}" WITH (FORCE)`),
  };
}
