import 'reflect-metadata';
import { ConfigError, createApp, loadConfig } from '@coop/platform';
import { DispatchModule } from './dispatch.module';

/** The dispatch service alone (see README: running each app alone). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config, [DispatchModule]);
  await app.listen(config.PORT, config.HOST);
}

main().catch((error: unknown) => {
  process.stderr.write((error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)) + '\n');
  process.exit(1);
});
