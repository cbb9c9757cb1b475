import { Client } from 'pg';
import { databaseNameOf, withDatabase } from './database-name';

/**
 * Creates the database named in the URL when it does not exist, so `npm start` works
 * against a server that has only its default databases.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e; // created by a concurrent boot
      });
    }
  } finally {
    await admin.end();
  }
}
