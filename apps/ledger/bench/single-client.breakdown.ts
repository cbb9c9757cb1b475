/**
 * Where one client's completed-trip posting (with its card hold) spends its time, next to
 * pgbench's TPC-B-like transaction at one client, in the same run on the same database:
 * wall time, this process's CPU, the backend's CPU, WAL bytes, records and full-page images per
 * completion, and the same with synchronous_commit off (a diagnostic pass only: it shows how
 * much of each is the commit's flush; the ledger never runs that way).
 *
 *   BREAKDOWN_SECONDS=6 BREAKDOWN_ROUNDS=2 npm run ts apps/ledger/bench/single-client.breakdown.ts
 *
 * The backend's CPU is read from /proc (same host only, 100 Hz ticks): rough.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, Metrics, migrate } from '@coop/platform';
import { defaultPolicy, policyHash } from '@coop/policy';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';
import { backendCpuMs, completionsWithHolds, openMemberAccounts, walCounters, WalCounters } from './bench-support';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_ledger_bench';
const seconds = Number(process.env.BREAKDOWN_SECONDS ?? 6);
const rounds = Number(process.env.BREAKDOWN_ROUNDS ?? 2);
const APP = 'ledger-breakdown';

interface Figures { perSecond: number; wallMs: number; nodeCpuMs: number; backendCpuMs: number; wal: WalCounters }

const perUnit = (before: WalCounters, after: WalCounters, n: number): WalCounters => ({
  records: (after.records - before.records) / n,
  fpi: (after.fpi - before.fpi) / n,
  bytes: (after.bytes - before.bytes) / n,
});

async function postings(db: DataSource, name: string, handler: TripEventHandler, journal: LedgerRepository, stats: DataSource): Promise<Figures> {
  const events = await completionsWithHolds(journal, 2500 * seconds);
  await db.query('CHECKPOINT');
  const walBefore = await walCounters(stats);
  const backendBefore = await backendCpuMs(stats, name);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  while (Date.now() < deadline) {
    const outcome = await handler.handle('trip.completed', events[done]!);
    if (outcome.posted !== 'new' || !(outcome.hold && 'posted' in outcome.hold)) throw new Error(`expected a new posting with its hold, got ${JSON.stringify(outcome)}`);
    done++;
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const backend = (await backendCpuMs(stats, name)) - backendBefore;
  return {
    perSecond: done / (wall / 1000),
    wallMs: wall / done,
    nodeCpuMs: (used.user + used.system) / 1000 / done,
    backendCpuMs: backend / done,
    wal: perUnit(walBefore, await walCounters(stats), done),
  };
}

/** pgbench at one client, with PGOPTIONS for its session settings. */
async function pgbench(stats: DataSource, options: string): Promise<Figures> {
  await stats.query('CHECKPOINT');
  const walBefore = await walCounters(stats);
  const env = { ...process.env, PGOPTIONS: options };
  const out = execFileSync('pgbench', ['-n', '-c', '1', '-j', '1', '-T', String(seconds), url], { encoding: 'utf8', env });
  const tx = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  return { perSecond: tps, wallMs: 1000 / tps, nodeCpuMs: NaN, backendCpuMs: NaN, wal: perUnit(walBefore, await walCounters(stats), tx) };
}

const row = (what: string, f: Figures) =>
  `| ${what} | ${f.perSecond.toFixed(0)} | ${f.wallMs.toFixed(3)} | ${Number.isNaN(f.nodeCpuMs) ? '' : f.nodeCpuMs.toFixed(3)} | ` +
  `${Number.isNaN(f.backendCpuMs) ? '' : f.backendCpuMs.toFixed(2)} | ${f.wal.bytes.toFixed(0)} | ${f.wal.records.toFixed(1)} | ${f.wal.fpi.toFixed(2)} |`;

async function main(): Promise<void> {
  await ensureDatabase(url);
  const stats = createDataSource({ url, poolSize: 2, applicationName: `${APP}-stats` });
  await stats.initialize();
  await migrate(stats);
  await stats.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (1, $1, $2, '-infinity') ON CONFLICT DO NOTHING`, [
    policyHash(defaultPolicy),
    defaultPolicy,
  ]);
  execFileSync('pgbench', ['-i', '-q', '-s', '1', url], { stdio: 'ignore' });

  const ledgerOn = async (name: string, synchronousCommit: 'on' | 'off') => {
    const sessionUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c synchronous_commit=${synchronousCommit}`)}`;
    const db = createDataSource({ url: sessionUrl, poolSize: 1, applicationName: name });
    await db.initialize();
    const journal = new LedgerRepository(db);
    const handler = new TripEventHandler(new PostingService(journal, new Metrics()), new FarePolicyReader(db), journal);
    await openMemberAccounts(handler, 100);
    return { db, journal, handler };
  };
  const on = await ledgerOn(`${APP}-on`, 'on');
  const off = await ledgerOn(`${APP}-off`, 'off');

  const lines: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const pgOn = await pgbench(stats, '');
    const ledgerOnFigures = await postings(on.db, `${APP}-on`, on.handler, on.journal, stats);
    const pgOff = await pgbench(stats, '-c synchronous_commit=off');
    const ledgerOffFigures = await postings(off.db, `${APP}-off`, off.handler, off.journal, stats);
    lines.push(
      row(`round ${round}: pgbench TPC-B-like`, pgOn),
      row(`round ${round}: completion with hold`, ledgerOnFigures),
      row(`round ${round}: pgbench, synchronous_commit off`, pgOff),
      row(`round ${round}: completion, synchronous_commit off`, ledgerOffFigures),
    );
    console.log(`round ${round} done, load ${loadavg()[0]!.toFixed(1)}`);
  }
  console.log(`\n${new Date().toISOString()}, one client, ${seconds} s per row, a CHECKPOINT before each\n`);
  console.log('| what | per s | wall ms each | this process CPU ms | backend CPU ms | WAL bytes | WAL records | full-page images |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const line of lines) console.log(line);
  await Promise.all([on.db.destroy(), off.db.destroy(), stats.destroy()]);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
