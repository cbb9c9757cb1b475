/**
 * Completed-trip postings per second against pgbench's built-in TPC-B-like script, in the
 * same run, on the same PostgreSQL database, single and concurrent. The target:
 * postings at no less than half of pgbench's transactions per second (the ratio is the figure).
 *
 *   npm run ts apps/ledger/bench/postings.bench.ts            # 10 s per measurement
 *   BENCH_SECONDS=5 BENCH_CLIENTS=1,8 npm run ts apps/ledger/bench/postings.bench.ts
 *
 * A posting here is the whole path the worker takes per event minus the queue: validate the
 * event, read the policy (cached), build the entry (libs/money), append it (one PostgreSQL
 * transaction: the entry, its accounts, its postings, the deferred balance check at commit).
 * Each pgbench client is one connection; each posting client is one connection too. The last
 * columns run the append statement alone through pgbench (append.pgbench.sql): the database's
 * share, without the Node process that builds and checks each entry.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createDataSource, ensureDatabase, Metrics, migrate } from '@coop/platform';
import { defaultPolicy, policyHash } from '@coop/policy';
import { completedEvent } from '../test/ledger-fixtures';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_ledger_bench';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const clientCounts = (process.env.BENCH_CLIENTS ?? '1,16').split(',').map(Number);

function pgbenchTps(clients: number, script?: string): number {
  const args = ['-n', '-c', String(clients), '-j', String(Math.min(clients, cpus().length)), '-T', String(seconds), ...(script ? ['-f', script] : []), url];
  const out = execFileSync('pgbench', args, { encoding: 'utf8' });
  const match = /tps = ([\d.]+) \((without initial connection time|excluding connections establishing)\)/.exec(out);
  if (!match) throw new Error(`cannot read pgbench output:\n${out}`);
  return Number(match[1]);
}

async function postingsTps(handler: TripEventHandler, clients: number): Promise<number> {
  // Events are built before the clock starts: the producer's cost is not the ledger's.
  const perClient = Array.from({ length: clients }, () => Array.from({ length: 400 }, () => completedEvent()));
  let done = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    perClient.map(async (events) => {
      for (let i = 0; Date.now() < deadline; i++) {
        if (i === events.length) events.push(...Array.from({ length: 400 }, () => completedEvent()));
        const outcome = await handler.handle('trip.completed', events[i]);
        if (outcome.posted !== 'new') throw new Error(`expected a new posting, got ${JSON.stringify(outcome)}`);
        done++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return done / elapsed;
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const maxClients = Math.max(...clientCounts);
  const db = createDataSource({ url, poolSize: maxClients, applicationName: 'ledger-bench' });
  await db.initialize();
  await migrate(db);
  await db.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (1, $1, $2, '-infinity') ON CONFLICT DO NOTHING`, [
    policyHash(defaultPolicy),
    defaultPolicy,
  ]);
  execFileSync('pgbench', ['-i', '-q', '-s', String(Math.max(1, maxClients)), url], { stdio: 'ignore' });
  const journal = new LedgerRepository(db);
  const handler = new TripEventHandler(new PostingService(journal, new Metrics()), new FarePolicyReader(db), journal);
  await handler.handle('trip.completed', completedEvent()); // warm the policy cache and the pool

  const rows: string[] = [];
  for (const clients of clientCounts) {
    const pg = pgbenchTps(clients);
    const ours = await postingsTps(handler, clients);
    const sqlOnly = pgbenchTps(clients, join(__dirname, 'append.pgbench.sql'));
    rows.push(`| ${clients} | ${pg.toFixed(0)} | ${ours.toFixed(0)} | **${(ours / pg).toFixed(2)}** | ${sqlOnly.toFixed(0)} | ${(sqlOnly / pg).toFixed(2)} |`);
  }
  const { version } = (await db.query(`SELECT current_setting('server_version') AS version`))[0];
  await db.destroy();
  console.log(`\n${new Date().toISOString()}, ${cpus().length} x ${cpus()[0]?.model}, PostgreSQL ${version}, ${seconds} s per figure\n`);
  console.log('| clients | pgbench TPC-B-like tps | completed-trip postings/s | ratio | append SQL alone (pgbench -f) tps | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
