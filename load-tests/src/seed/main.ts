#!/usr/bin/env node
// npm run load:seed -- <scenario> --database-url postgres://postgres@127.0.0.1:5432/coop_load --out members.json
//   [--drivers N --riders N]   (default: the scenario's counts)
// Seeds the scenario's members into the system's database and writes their ids and tokens
// for `npm run load -- <scenario> --members members.json`. See seed-members.ts for why.
import { parseArgs } from 'node:util';
import { loadScenarios } from '../runner/scenario';
import { seedMembers, writeSeededMembers } from './seed-members';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'database-url': { type: 'string' },
      out: { type: 'string' },
      drivers: { type: 'string' },
      riders: { type: 'string' },
    },
  });
  const scenario = loadScenarios()[positionals[0] ?? ''];
  if (!scenario || !values['database-url'] || !values.out) {
    console.error('usage: npm run load:seed -- <scenario> --database-url <postgres url> --out <file> [--drivers N --riders N]');
    return 2;
  }
  const started = Date.now();
  const seeded = await seedMembers({
    databaseUrl: values['database-url'],
    scenario: positionals[0],
    drivers: Number(values.drivers ?? scenario.drivers),
    riders: Number(values.riders ?? scenario.riders),
  });
  writeSeededMembers(values.out, seeded);
  console.log(
    `[seed] ${Object.keys(seeded.drivers).length} drivers (approved) and ${Object.keys(seeded.riders).length} riders of ${positionals[0]} in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s; tokens valid until ${seeded.expiresAt}; written to ${values.out}`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[seed] ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
