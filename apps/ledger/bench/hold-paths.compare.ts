/**
 * The completion with its card hold, two ways, side by side in one process on one database:
 * `read-first` reads the hold and builds its posting from it (the path before migration
 * 1763900000810, still the fallback), `from-event` builds it from the event and appends at
 * once (the worker's path). Alternating rounds, so both see the same machine. Prints each
 * path's completions per second, the worker's CPU per completion, and a rough reading of the
 * PostgreSQL backends' CPU per completion (/proc of the pool's backends; same host only).
 *
 *   COMPARE_EVENTS=1500 COMPARE_CLIENTS=16 COMPARE_ROUNDS=2 node -r @swc-node/register apps/ledger/bench/hold-paths.compare.ts
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { moneyFromJson } from '@coop/money';
import { createDataSource, ensureDatabase, Metrics, migrate } from '@coop/platform';
import { defaultPolicy, policyHash } from '@coop/policy';
import { completedEvent, requestedEvent } from '../test/ledger-fixtures';
import { holdEntry, holdEntryId, holdPostedAtCompletion } from '../src/events/hold-postings';
import { completedEntry } from '../src/events/trip-event-postings';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { tripCompletedEventSchema, tripRequestedEventSchema } from '../src/events/trip-event.schemas';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';
import { backendCpuMs, drivers, riders } from './bench-support';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_ledger_bench';
const n = Number(process.env.COMPARE_EVENTS ?? 1500);
const clients = Number(process.env.COMPARE_CLIENTS ?? 16);
const rounds = Number(process.env.COMPARE_ROUNDS ?? 2);
const APP = 'ledger-hold-compare';

async function main(): Promise<void> {
  await ensureDatabase(url);
  // One connection per client and no idle timeout, so the same backends serve a whole round.
  const db = createDataSource({ url, poolSize: clients + 4, applicationName: APP });
  await db.initialize();
  await migrate(db);
  await db.query(`INSERT INTO policies (version, hash, document, effective_at) VALUES (1, $1, $2, '-infinity') ON CONFLICT DO NOTHING`, [
    policyHash(defaultPolicy),
    defaultPolicy,
  ]);
  const journal = new LedgerRepository(db);
  const postings = new PostingService(journal, new Metrics());
  const policies = new FarePolicyReader(db);
  const handler = new TripEventHandler(postings, policies, journal);

  const readFirst = async (data: ReturnType<typeof completedEvent>) => {
    const event = tripCompletedEventSchema.parse(data);
    const entry = completedEntry(event, await policies.byHash(event.policyHash));
    const found = await journal.holdWithState(holdEntryId(event.tripId));
    await postings.postTogether(found ? [entry, holdPostedAtCompletion(found.hold.tx, event.tripId, moneyFromJson(event.fare))] : [entry]);
  };
  const fromEvent = async (data: ReturnType<typeof completedEvent>) => void (await handler.handle('trip.completed', data));

  for (let round = 0; round < rounds; round++) {
    for (const [name, post] of [['read-first', readFirst], ['from-event', fromEvent]] as const) {
      const events = Array.from({ length: n }, (_, i) => completedEvent({ riderId: riders[i % riders.length], driverId: drivers[i % drivers.length] }));
      const policy = await policies.byHash(events[0]!.policyHash);
      const holds = events.map((e) => holdEntry(tripRequestedEventSchema.parse(requestedEvent({ tripId: e.tripId, riderId: e.riderId })), policy));
      for (const answer of await journal.appendUnits(holds.map((h) => [h]))) if (!answer.ok) throw answer.error;
      const backend = await backendCpuMs(db, APP);
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      let next = 0;
      await Promise.all(Array.from({ length: clients }, async () => { while (next < n) await post(events[next++]!); }));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const used = process.cpuUsage(cpu);
      const backendMs = (await backendCpuMs(db, APP)) - backend;
      console.log(
        `round ${round + 1} ${name.padEnd(10)} ${clients} clients: ${(n / seconds).toFixed(0)} completions/s, worker CPU ${((used.user + used.system) / 1000 / n).toFixed(2)} ms each, ` +
          `backends ~${(backendMs / n).toFixed(2)} ms each`,
      );
    }
  }
  await db.destroy();
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
