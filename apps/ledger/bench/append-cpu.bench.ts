/**
 * PostgreSQL's CPU per completed trip with its card hold: the figure that decides the
 * postings/pgbench ratio (apps/ledger/README.md, Benchmark), measured as CPU time so that a
 * shared, loaded machine moves it little. Posts completions (holds placed beforehand, not
 * measured) from concurrent clients and reads the pool's backends' CPU from /proc (same host
 * only), beside the worker's own CPU (process.cpuUsage). Rounds give a spread.
 *
 *   CPU_EVENTS=3000 CPU_CLIENTS=16 CPU_ROUNDS=3 npm run ts apps/ledger/bench/append-cpu.bench.ts
 *
 * CPU_PERF_SECONDS=15 also runs `perf record` on the backends for that long during the first
 * round, writing /tmp/ledger-append.perf.data (needs perf and the right to trace them);
 * CPU_PERF_CALL_GRAPH=dwarf records call stacks as well.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, Metrics, migrate } from '@coop/platform';
import { defaultPolicy, policyHash } from '@coop/policy';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';
import { backendPids, completionsWithHolds, cpuMsOf, openMemberAccounts } from './bench-support';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_ledger_bench';
const n = Number(process.env.CPU_EVENTS ?? 3000);
const clients = Number(process.env.CPU_CLIENTS ?? 16);
const rounds = Number(process.env.CPU_ROUNDS ?? 3);
const perfSeconds = Number(process.env.CPU_PERF_SECONDS ?? 0);
const APP = 'ledger-append-cpu';

/** perf record on the backends for perfSeconds; resolves when perf has written its file. */
function perfRecord(pids: readonly number[]): Promise<unknown> {
  const callGraph = process.env.CPU_PERF_CALL_GRAPH ? ['--call-graph', process.env.CPU_PERF_CALL_GRAPH] : [];
  const perf = spawn('perf', ['record', '-F', '499', ...callGraph, '-o', '/tmp/ledger-append.perf.data', '-p', pids.join(','), '--', 'sleep', String(perfSeconds)], {
    stdio: 'inherit',
  });
  return new Promise((resolve) => perf.on('exit', resolve));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await ensureDatabase(url);
  const db = createDataSource({ url, poolSize: clients + 4, applicationName: APP });
  await db.initialize();
  await migrate(db);
  await db.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (1, $1, $2, '-infinity') ON CONFLICT DO NOTHING`, [
    policyHash(defaultPolicy),
    defaultPolicy,
  ]);
  const journal = new LedgerRepository(db);
  const policies = new FarePolicyReader(db);
  const handler = new TripEventHandler(new PostingService(journal, new Metrics()), policies, journal);
  await openMemberAccounts(handler);

  const backendMs: number[] = [];
  const workerMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const events = await completionsWithHolds(journal, n);
    const pids = await backendPids(db, APP);
    const perf = round === 0 && perfSeconds > 0 ? perfRecord(pids) : undefined;
    const backend = cpuMsOf(pids);
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < n) {
          const outcome = await handler.handle('trip.completed', events[next++]!);
          if (outcome.posted !== 'new' || !(outcome.hold && 'posted' in outcome.hold)) throw new Error(`expected a new posting with its hold, got ${JSON.stringify(outcome)}`);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    backendMs.push((cpuMsOf(pids) - backend) / n);
    workerMs.push((used.user + used.system) / 1000 / n);
    await perf;
    console.log(
      `round ${round + 1}: ${n} completions with hold, ${clients} clients, ${(n / seconds).toFixed(0)}/s; backends ${backendMs.at(-1)!.toFixed(3)} ms CPU each, ` +
        `worker ${workerMs.at(-1)!.toFixed(3)} ms; load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
  console.log(`${new Date().toISOString()} median: backends ${median(backendMs).toFixed(3)} ms, worker ${median(workerMs).toFixed(3)} ms CPU per completion with hold`);
  await db.destroy();
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
