#!/usr/bin/env node
// npm run load -- <scenario> --url http://127.0.0.1:3000 [--no-baselines] [--out dir]
// Scenarios are in load-tests/scenarios.json. Writes <out>/<scenario>-<time>.json and .md;
// exits 1 when a threshold is missed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnBaselineServer } from './baselines';
import { renderMarkdown } from './report';
import { runLoad } from './run-load';
import { loadScenarios, scenariosPath, validScenario } from './scenario';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      'no-baselines': { type: 'boolean', default: false },
      'floor-database-url': { type: 'string', default: process.env.FLOOR_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_load_floor' },
      out: { type: 'string' },
      drivers: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const scenarios = loadScenarios();
  const name = positionals[0];
  if (!name || !scenarios[name]) {
    console.error(`usage: npm run load -- <${Object.keys(scenarios).join('|')}> --url <base url>`);
    return 2;
  }
  const scenario = validScenario({
    ...scenarios[name],
    ...(values.drivers && { drivers: Number(values.drivers) }),
    ...(values.rate && { requestsPerSecond: Number(values.rate) }),
    ...(values.duration && { durationSeconds: Number(values.duration) }),
  });
  const admin = { email: process.env.ADMIN_EMAIL ?? 'admin@coop.local', password: process.env.ADMIN_PASSWORD ?? 'demo-admin-password' };
  const say = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} [load] ${line}`);

  const baseline = values['no-baselines'] ? undefined : await spawnBaselineServer(values['floor-database-url']!);
  try {
    const report = await runLoad(scenario, {
      url: values.url!,
      admin,
      baselineUrl: baseline?.url,
      command: `npm run load -- ${process.argv.slice(2).join(' ')}`,
      seed: Number(values.seed),
      say,
    });
    const out = values.out ?? join(dirname(scenariosPath()), 'results');
    mkdirSync(out, { recursive: true });
    const stem = join(out, `${scenario.name}-${report.startedAt.replace(/[:.]/g, '-')}`);
    writeFileSync(`${stem}.json`, JSON.stringify(report, null, 2) + '\n');
    const markdown = renderMarkdown(report);
    writeFileSync(`${stem}.md`, markdown);
    console.log('\n' + markdown);
    say(`reports: ${stem}.json and .md`);
    return report.pass ? 0 : 1;
  } finally {
    baseline?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[load] ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
