import { createDataSource, migrate, withDatabase } from '@coop/platform';
import { assertTestDatabase, onServer, testServerUrl } from './test-database';

/**
 * Migrates one template database per jest run; each test file copies it (CREATE DATABASE
 * ... TEMPLATE), which takes milliseconds and isolates files from each other. The run id
 * in the name lets several jest runs share one server.
 */
export default async function globalSetup(): Promise<void> {
  const template = `coop_test_${process.pid}`;
  assertTestDatabase(template);
  await onServer(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await onServer(`CREATE DATABASE "${template}"`);
  const db = createDataSource({ url: withDatabase(testServerUrl(), template) });
  await db.initialize();
  try {
    await migrate(db);
  } finally {
    await db.destroy();
  }
  process.env.COOP_TEST_TEMPLATE = template;
}
