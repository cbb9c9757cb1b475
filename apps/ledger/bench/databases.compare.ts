/**
 * The same completions (each with its card hold) posted to several already-migrated databases
 * in alternating rounds, so a schema change is measured against the schema before it on the
 * same machine at the same time: completions/s, this process's CPU, the backends' CPU, and the
 * ledger's blocks read from outside shared_buffers, per completion. A database may be named
 * with `:random` to post trips with random (v4) ids, as before migration 1763900000864.
 *
 *   COMPARE_DATABASES=coop_ledger_bench_before,coop_ledger_bench COMPARE_CLIENTS=1,8 \
 *     COMPARE_SECONDS=8 COMPARE_ROUNDS=3 npm run ts apps/ledger/bench/databases.compare.ts
 *
 * It migrates nothing: make the "before" database with `CREATE DATABASE ... TEMPLATE ...` and
 * undo the change in it by hand. Each database needs the default policy stored (postings.bench
 * does that).
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { createDataSource, Metrics } from '@coop/platform';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';
import { backendCpuMs, completionsWithHolds, ledgerBlocksRead, openMemberAccounts, TripIds } from './bench-support';

const server = process.env.COMPARE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const names = (process.env.COMPARE_DATABASES ?? '').split(',').filter(Boolean);
const clientCounts = (process.env.COMPARE_CLIENTS ?? '1,8').split(',').map(Number);
const seconds = Number(process.env.COMPARE_SECONDS ?? 8);
const rounds = Number(process.env.COMPARE_ROUNDS ?? 3);

async function ledgerOn(arm: string) {
  const [name, ids = 'v7'] = arm.split(':') as [string, TripIds?];
  const app = `ledger-compare-${name}`;
  const db = createDataSource({ url: `${server}/${name}`, poolSize: Math.max(...clientCounts) + 2, applicationName: app });
  await db.initialize();
  const journal = new LedgerRepository(db);
  const handler = new TripEventHandler(new PostingService(journal, new Metrics()), new FarePolicyReader(db), journal);
  await openMemberAccounts(handler, 50);
  return { name: arm, app, db, journal, handler, ids };
}

type Ledger = Awaited<ReturnType<typeof ledgerOn>>;

async function round(ledger: Ledger, clients: number) {
  const events = await completionsWithHolds(ledger.journal, 3000 * seconds, true, ledger.ids);
  const blocks = await ledgerBlocksRead(ledger.db);
  const backend = await backendCpuMs(ledger.db, ledger.app);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) {
        const event = events[next++];
        if (!event) throw new Error('the clients ran out of events');
        const outcome = await ledger.handler.handle('trip.completed', event);
        if (outcome.posted !== 'new' || !(outcome.hold && 'posted' in outcome.hold)) throw new Error(`expected a new posting with its hold, got ${JSON.stringify(outcome)}`);
      }
    }),
  );
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const backendMs = (await backendCpuMs(ledger.db, ledger.app)) - backend;
  // pg_statio counts a backend's reads when its transaction ends: read after the clients are done.
  const blocksRead = (await ledgerBlocksRead(ledger.db)) - blocks;
  const done = Math.min(next, events.length) - clients;
  return { perSecond: done / wall, nodeMs: (used.user + used.system) / 1000 / done, backendMs: backendMs / done, blocks: blocksRead / done };
}

async function main(): Promise<void> {
  if (names.length < 2) throw new Error('COMPARE_DATABASES: name two or more migrated databases, comma-separated');
  const ledgers: Ledger[] = [];
  for (const name of names) ledgers.push(await ledgerOn(name));
  const lines: string[] = [];
  for (const clients of clientCounts) {
    for (let r = 1; r <= rounds; r++) {
      const figures = [];
      for (const ledger of ledgers) figures.push({ ledger, ...(await round(ledger, clients)) });
      for (const f of figures) {
        lines.push(
          `| ${clients} | ${r} | ${f.ledger.name} | ${f.perSecond.toFixed(0)} | ${(f.perSecond / figures[0]!.perSecond).toFixed(2)} | ` +
            `${f.nodeMs.toFixed(3)} | ${f.backendMs.toFixed(2)} | ${f.blocks.toFixed(1)} |`,
        );
      }
      console.log(`clients ${clients} round ${r}: ${figures.map((f) => `${f.ledger.name} ${f.perSecond.toFixed(0)}/s`).join(', ')}; load ${loadavg()[0]!.toFixed(1)}`);
    }
  }
  console.log(`\n${new Date().toISOString()}, ${seconds} s per row, databases in turn within each round\n`);
  console.log(`| clients | round | database | completions/s | vs ${names[0]} | this process CPU ms | backends CPU ms | ledger blocks read |`);
  console.log('| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const line of lines) console.log(line);
  await Promise.all(ledgers.map((l) => l.db.destroy()));
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
