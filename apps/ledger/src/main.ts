import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, createApp, loadConfig } from '@coop/platform';
import { LedgerOpsController } from './health/ledger-ops.controller';
import { LedgerModule } from './ledger.module';

/** The ledger plus the /health and /metrics a process of its own needs. */
@Module({ imports: [LedgerModule], controllers: [LedgerOpsController] })
class LedgerAloneModule {}

/** The ledger service alone (apps/ledger/README.md: running the ledger alone). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config, [LedgerAloneModule]);
  await app.listen(config.PORT, config.HOST);
}

main().catch((error: unknown) => {
  process.stderr.write((error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)) + '\n');
  process.exit(1);
});
