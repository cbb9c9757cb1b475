/**
 * Completed-trip postings per second against pgbench's built-in TPC-B-like script, in the
 * same run, on the same PostgreSQL database, single and concurrent. The issue's target:
 * postings at no less than half of pgbench's transactions per second (the ratio is the figure).
 *
 *   npm run ts apps/ledger/bench/postings.bench.ts                      # 10 s per figure, 3 rounds
 *   BENCH_SECONDS=5 BENCH_ROUNDS=2 BENCH_CLIENTS=1,8 npm run ts apps/ledger/bench/postings.bench.ts
 *
 * A posting is the worker's whole path for one `trip.completed` event minus the queue:
 * validate the event, read the policy (cached), build the entry and the posting of the trip's
 * card hold (libs/money, from the event's quote, without reading the hold), and append both
 * (one ledger_append call that resolves the hold only if it is pending, one commit, shared
 * with concurrent postings by the group commit). The `no hold` column is
 * the same without a hold (one entry, as for trips requested before holds existed). Holds are
 * placed in bulk before the clock starts, as the producer's events are built before it: the
 * request's cost is not the completion's.
 *
 * Riders and drivers come from pools (3000 and 300, a city's worth), so most postings find
 * their accounts open, as in production. Each pgbench client is one connection; posting
 * clients share one process and its pool, as a ledger worker's concurrent jobs do. Rounds
 * alternate pgbench and postings so that both see the same machine; the ratio of each round
 * is taken, and the median of the rounds is the figure.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, Metrics, migrate } from '@coop/platform';
import { defaultPolicy, policyHash } from '@coop/policy';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';
import { completionsWithHolds, openMemberAccounts } from './bench-support';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_ledger_bench';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const clientCounts = (process.env.BENCH_CLIENTS ?? '1,8,16').split(',').map(Number);
const sqlOnly = process.env.BENCH_SQL === '1';
/** Postings per second the event supply is sized for (BENCH_MAX_RATE); a client that runs dry fails the run. */
const MAX_RATE = Number(process.env.BENCH_MAX_RATE ?? 3000);

function pgbenchTps(clients: number, script?: string): number {
  const args = ['-n', '-c', String(clients), '-j', String(Math.min(clients, cpus().length)), '-T', String(seconds), ...(script ? ['-f', script] : []), url];
  const out = execFileSync('pgbench', args, { encoding: 'utf8' });
  const match = /tps = ([\d.]+) \((without initial connection time|excluding connections establishing)\)/.exec(out);
  if (!match) throw new Error(`cannot read pgbench output:\n${out}`);
  return Number(match[1]);
}

async function postingsTps(db: DataSource, handler: TripEventHandler, journal: LedgerRepository, clients: number, withHold: boolean): Promise<number> {
  // Enough events for well above the fastest rate seen; clients take them from one list, so a
  // faster client does not run dry before a slower one.
  const events = await completionsWithHolds(journal, MAX_RATE * seconds, withHold);
  // pgbench -i analyzes its tables; the journal, growing by thousands of rows a figure, gets the
  // same before each, as autovacuum gives it in production. Autovacuum is off on some servers,
  // this one included, and plans made from a younger table's statistics slow every round after
  // (on a new database: 75, 40, 25 postings/s in three rounds; 542/s once analyzed).
  await db.query('ANALYZE ledger_transactions, ledger_postings, ledger_accounts');
  let next = 0;
  let done = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) {
        const event = events[next++];
        if (!event) throw new Error('the clients ran out of events: raise MAX_RATE');
        const outcome = await handler.handle('trip.completed', event);
        if (outcome.posted !== 'new' || (withHold && !(outcome.hold && 'posted' in outcome.hold))) {
          throw new Error(`expected a new posting${withHold ? ' with its hold' : ''}, got ${JSON.stringify(outcome)}`);
        }
        done++;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await ensureDatabase(url);
  const maxClients = Math.max(...clientCounts);
  const db = createDataSource({ url, poolSize: maxClients + 4, applicationName: 'ledger-bench' });
  await db.initialize();
  await migrate(db);
  await db.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (1, $1, $2, '-infinity') ON CONFLICT DO NOTHING`, [
    policyHash(defaultPolicy),
    defaultPolicy,
  ]);
  execFileSync('pgbench', ['-i', '-q', '-s', String(Math.max(1, maxClients)), url], { stdio: 'ignore' });
  const journal = new LedgerRepository(db);
  const handler = new TripEventHandler(new PostingService(journal, new Metrics()), new FarePolicyReader(db), journal);
  await openMemberAccounts(handler);

  const rows: string[] = [];
  for (const clients of clientCounts) {
    const runs: Array<{ pg: number; held: number; plain: number; sql?: number }> = [];
    for (let round = 0; round < rounds; round++) {
      const pg = pgbenchTps(clients);
      const held = await postingsTps(db, handler, journal, clients, true);
      const plain = await postingsTps(db, handler, journal, clients, false);
      const sql = sqlOnly ? pgbenchTps(clients, join(__dirname, 'append.pgbench.sql')) : undefined;
      runs.push({ pg, held, plain, sql });
      console.log(`clients ${clients} round ${round + 1}: pgbench ${pg.toFixed(0)} tps, with hold ${held.toFixed(0)}/s (${(held / pg).toFixed(2)}), no hold ${plain.toFixed(0)}/s (${(plain / pg).toFixed(2)})${sql ? `, append SQL alone ${sql.toFixed(0)} tps` : ''}, load ${loadavg()[0]!.toFixed(1)}`);
    }
    const cell = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f)).toFixed(0);
    const ratio = (f: (r: (typeof runs)[number]) => number) => median(runs.map((r) => f(r) / r.pg)).toFixed(2);
    rows.push(
      `| ${clients} | ${cell((r) => r.pg)} | ${cell((r) => r.held)} | **${ratio((r) => r.held)}** | ${cell((r) => r.plain)} | ${ratio((r) => r.plain)} | ` +
        `${runs.map((r) => (r.held / r.pg).toFixed(2)).join(' / ')} |`,
    );
  }
  const { version } = (await db.query(`SELECT current_setting('server_version') AS version`))[0];
  await db.destroy();
  console.log(`\n${new Date().toISOString()}, ${cpus().length} x ${cpus()[0]?.model}, PostgreSQL ${version}, ${seconds} s per figure, median of ${rounds} rounds\n`);
  console.log('| clients | pgbench TPC-B-like tps | completed trips with hold /s | ratio | no hold /s | ratio | with-hold ratio per round |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
