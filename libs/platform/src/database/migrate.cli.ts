import { loadConfig } from '../config/app-config';
import { createDataSource, migrate } from './data-source';
import { ensureDatabase } from './ensure-database';

/** `npm run migrate` applies pending migrations; `npm run migrate -- --revert` undoes the last one. */
async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDataSource({ url: config.DATABASE_URL });
  await db.initialize();
  try {
    if (process.argv.includes('--revert')) {
      await db.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    } else {
      const applied = await migrate(db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
