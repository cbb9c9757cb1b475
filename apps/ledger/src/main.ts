import 'reflect-metadata';
import { ConfigError, createApp, loadConfig } from '@coop/platform';
import { LedgerModule } from './ledger.module';

/** The ledger service alone (apps/ledger/README.md: running the ledger alone). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config, [LedgerModule]);
  await app.listen(config.PORT, config.HOST);
}

main().catch((error: unknown) => {
  process.stderr.write((error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)) + '\n');
  process.exit(1);
});
