#!/usr/bin/env node
// The baseline server in a process of its own (as the system under test is), started by the
// load runner; prints one JSON line `{ "url": ... }` when it listens.
import { startBaselineServer } from './baseline-server';

const databaseUrl = process.env.FLOOR_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_load_floor';

startBaselineServer({ databaseUrl })
  .then((server) => {
    process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
    const stop = () => void server.close().finally(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  })
  .catch((error: Error) => {
    process.stderr.write(`baseline server: ${error.message}\n`);
    process.exit(1);
  });
