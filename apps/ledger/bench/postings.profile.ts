/**
 * Where the ledger worker's CPU goes per completed trip: posts completions (each with its card
 * hold placed beforehand) from 16 concurrent clients (PROFILE_CLIENTS), without pgbench, for a CPU profile.
 *
 *   node -r @swc-node/register apps/ledger/bench/postings.profile.ts /tmp/ledger.cpuprofile
 *   node -r @swc-node/register load-tests/src/profile/cpu-profile-top.ts /tmp/ledger.cpuprofile
 *
 * Only the completions are profiled (the holds are placed before the profiler starts).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createDataSource, Metrics, migrate } from '@coop/platform';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';
import { completionsWithHolds, openMemberAccounts } from './bench-support';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_ledger_bench';
const clients = Number(process.env.PROFILE_CLIENTS ?? 16);
const perClient = Number(process.env.PROFILE_EVENTS ?? 200);

async function main(): Promise<void> {
  const db = createDataSource({ url, poolSize: clients + 4, applicationName: 'ledger-profile' });
  await db.initialize();
  await migrate(db);
  const journal = new LedgerRepository(db);
  const handler = new TripEventHandler(new PostingService(journal, new Metrics()), new FarePolicyReader(db), journal);
  await openMemberAccounts(handler, 50);
  const events: Array<Awaited<ReturnType<typeof completionsWithHolds>>> = [];
  for (let c = 0; c < clients; c++) events.push(await completionsWithHolds(journal, perClient));
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await Promise.all(events.map(async (batch) => { for (const e of batch) await handler.handle('trip.completed', e); }));
  const used = process.cpuUsage(cpu);
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(profile));
  const n = clients * perClient;
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${n} completions in ${wall.toFixed(2)} s: ${(n / wall).toFixed(0)}/s; Node CPU ${((used.user + used.system) / 1000 / n).toFixed(3)} ms per completion`);
  await db.destroy();
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
