#!/usr/bin/env node
// npm run load -- <scenario> --url http://127.0.0.1:3000 [--url <second node> ...]
//   or, nodes started by the runner: --nodes 2 --server dist/apps/server/src/main.js [--base-port 3401]
//   (they get this process's environment: DATABASE_URL, REDIS_URL, REDIS_PREFIX, ADMIN_* ...)
//   [--kill-node-at S]  SIGKILL the last node S seconds into the window (its bots move to the others)
//   [--members file]    members' tokens from `npm run load:seed` instead of HTTP sign-ins
//   [--setup-minutes M] drivers not online after M minutes of setup are left out (default 12; the report says so)
//   [--driver-client socket.io|lean]  the driver bots' client (default socket.io-client; lean for 10,000 drivers)
//   [--no-baselines] [--out dir] [--drivers N] [--rate R] [--duration S] [--seed N]
// npm run load -- search <scenario> ... [--rates 5,10,20,40] [--step-seconds 30] [--p99-limit 100] [--budget-minutes 18]
// Scenarios are in load-tests/scenarios.json. Writes <out>/<scenario>-<time>.json and .md;
// exits 1 when a threshold is missed (a search: when no rate held).
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { sampleCpu, startCluster } from '../cluster/cluster';
import { ServerProcess } from '../cluster/server-process';
import { SeededMembers, readSeededMembers } from '../seed/seed-members';
import { DRIVER_CLIENTS, DriverClient } from '../sim';
import { spawnBaselineServer } from './baselines';
import { renderMarkdown } from './report';
import { runLoad } from './run-load';
import { Scenario, loadScenarios, scenariosPath, validScenario } from './scenario';
import { renderSearch, searchSustainableRate } from './search';
import { MidRunEvent } from './system-run';

const say = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} [load] ${line}`);

function options() {
  return parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', multiple: true },
      nodes: { type: 'string' },
      server: { type: 'string' },
      'base-port': { type: 'string', default: '3401' },
      'kill-node-at': { type: 'string' },
      'node-arg': { type: 'string', multiple: true },
      members: { type: 'string' },
      'no-baselines': { type: 'boolean', default: false },
      'floor-database-url': { type: 'string', default: process.env.FLOOR_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_load_floor' },
      out: { type: 'string' },
      drivers: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '1' },
      rates: { type: 'string', default: '5,10,20,30,40,50,70,100' },
      'step-seconds': { type: 'string', default: '30' },
      'p99-limit': { type: 'string', default: '100' },
      'budget-minutes': { type: 'string', default: '18' },
      'setup-minutes': { type: 'string', default: '12' },
      'driver-client': { type: 'string', default: 'socket.io' },
    },
  });
}

/** Only this machine: a load run against someone else's server is not what this tool is for. */
function localOnly(url: string): string {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`refusing to load ${url}: only 127.0.0.1 targets`);
  return url;
}

async function main(): Promise<number> {
  const { values, positionals } = options();
  const scenarios = loadScenarios();
  const search = positionals[0] === 'search';
  const name = search ? positionals[1] : positionals[0];
  if (!name || !scenarios[name]) {
    console.error(`usage: npm run load -- [search] <${Object.keys(scenarios).join('|')}> (--url <base url>... | --nodes N --server <entry>)`);
    return 2;
  }
  const scenario = validScenario({
    ...scenarios[name],
    ...(values.drivers && { drivers: Number(values.drivers) }),
    ...(values.rate && { requestsPerSecond: Number(values.rate) }),
    ...(values.duration && { durationSeconds: Number(values.duration) }),
  });
  const driverClient = values['driver-client'] as DriverClient;
  if (!DRIVER_CLIENTS.includes(driverClient)) {
    console.error(`--driver-client must be one of ${DRIVER_CLIENTS.join(', ')}, not ${values['driver-client']}`);
    return 2;
  }
  const admin = { email: process.env.ADMIN_EMAIL ?? 'admin@coop.local', password: process.env.ADMIN_PASSWORD ?? 'demo-admin-password' };
  const seeded: SeededMembers | undefined = values.members ? readSeededMembers(values.members, scenario.name) : undefined;
  const out = values.out ?? join(dirname(scenariosPath()), 'results');
  mkdirSync(out, { recursive: true });
  const command = `npm run load -- ${process.argv.slice(2).join(' ')}`;

  let nodes: ServerProcess[] = [];
  if (values.nodes) {
    if (!values.server) throw new Error('--nodes needs --server <entry>, e.g. dist/apps/server/src/main.js');
    const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
    say(`starting ${values.nodes} node(s) of ${values.server} from port ${values['base-port']} (logs: ${tmpdir()}/load-node-*.log)`);
    nodes = await startCluster({ count: Number(values.nodes), entry: values.server, basePort: Number(values['base-port']), env, logDir: tmpdir(), execArgv: values['node-arg'] });
  }
  const urls = (nodes.length ? nodes.map((n) => n.url) : (values.url ?? ['http://127.0.0.1:3000'])).map(localOnly);
  const midRun: MidRunEvent | undefined = values['kill-node-at'] ? killLastNode(nodes, Number(values['kill-node-at'])) : undefined;
  const cpu = nodes.length ? () => sampleCpu(nodes) : undefined;

  const baseline = values['no-baselines'] || search ? undefined : await spawnBaselineServer(values['floor-database-url']!);
  try {
    const run = (s: Scenario) =>
      runLoad(s, { url: urls, seeded, setupBudgetMs: Number(values['setup-minutes']) * 60_000, driverClient, failover: urls.length > 1, midRun, sampleCpu: cpu, admin, baselineUrl: baseline?.url, command, seed: Number(values.seed), say });
    if (!search) {
      const report = await run(scenario);
      write(join(out, `${scenario.name}-${stamp(report.startedAt)}`), report, renderMarkdown(report));
      return report.pass ? 0 : 1;
    }
    const limits = { requestToOfferP99Ms: Number(values['p99-limit']), minAchievedShare: 0.95 };
    const plan = { rates: values.rates!.split(',').map(Number), stepSeconds: Number(values['step-seconds']), budgetMs: Number(values['budget-minutes']) * 60_000, limits };
    const result = await searchSustainableRate(scenario, plan, run, say);
    const title = `Sustainable rate: ${scenario.name}, ${urls.length} node(s)`;
    const stem = join(out, `search-${scenario.name}-${urls.length}node-${stamp(new Date().toISOString())}`);
    write(stem, { command, plan, highestHeld: result.highestHeld, stoppedBy: result.stoppedBy, steps: result.steps }, renderSearch(title, result, limits) + `\n- command: \`${command}\`\n`);
    return result.highestHeld === undefined ? 1 : 0;
  } finally {
    baseline?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

function killLastNode(nodes: ServerProcess[], atSeconds: number): MidRunEvent {
  if (nodes.length < 2) throw new Error('--kill-node-at needs --nodes 2 or more (the runner must own the process it kills)');
  const victim = nodes[nodes.length - 1];
  return { atSeconds, what: `SIGKILL node ${victim.name} (${victim.url}, pid ${victim.pid})`, run: () => victim.kill() };
}

const stamp = (iso: string) => iso.replace(/[:.]/g, '-');

function write(stem: string, json: unknown, markdown: string): void {
  writeFileSync(`${stem}.json`, JSON.stringify(json, null, 2) + '\n');
  writeFileSync(`${stem}.md`, markdown);
  console.log('\n' + markdown);
  say(`reports: ${stem}.json and .md`);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[load] ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
