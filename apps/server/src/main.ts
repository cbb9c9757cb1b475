import 'reflect-metadata';
import { ConfigError, createApp, loadConfig } from '@coop/platform';
import { allFeatures } from './server.features';

/** `npm start`: the whole system in one process (dispatch, ledger, payouts). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config, allFeatures);
  await app.listen(config.PORT, config.HOST);
  process.stdout.write(JSON.stringify({ level: 'info', msg: 'co-op dispatch listening', port: config.PORT }) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write((error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)) + '\n');
  process.exit(1);
});
