#!/usr/bin/env node
// The demo city beside `npm start` (infra/start.js): simulated drivers and riders in
// downtown Montreal, one readable line per event. Alone:
//   npm run demo:city -- --url http://127.0.0.1:3000
import { parseArgs } from 'node:util';
import { demoDefaults, startDemoCity } from './city';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      drivers: { type: 'string' },
      riders: { type: 'string' },
      every: { type: 'string', description: 'mean seconds between two requests' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const number = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
  const admin = { email: process.env.ADMIN_EMAIL ?? 'admin@coop.local', password: process.env.ADMIN_PASSWORD ?? 'demo-admin-password' };
  const city = await startDemoCity({
    ...demoDefaults,
    url: values.url!,
    admin,
    drivers: number(values.drivers, demoDefaults.drivers),
    riders: number(values.riders, demoDefaults.riders),
    requestEveryMs: number(values.every, demoDefaults.requestEveryMs / 1000) * 1000,
    timeScale: number(values['time-scale'], demoDefaults.timeScale),
    seed: number(values.seed, demoDefaults.seed),
    memberPassword: process.env.DEMO_MEMBER_PASSWORD ?? demoDefaults.memberPassword,
    write: (line) => console.log(line),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      city.stop();
      process.exit(0);
    });
  }
}

main().catch((error) => {
  console.error(`[demo] ${(error as Error).message}`);
  process.exit(1);
});
