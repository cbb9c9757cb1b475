import { Client } from 'pg';
import { withDatabase } from '@coop/platform';
import { assertTestDatabase, testServerUrl } from './test-database';

/** Drops the template and any per-file database a crashed test left behind. */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.COOP_TEST_TEMPLATE;
  if (!template) return;
  const client = new Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  try {
    const rows = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $1 || '\\_%'`,
      [template],
    );
    for (const { datname } of rows.rows) {
      assertTestDatabase(datname);
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
