/**
 * This process's CPU per completed trip with its hold, without the database: the handler's
 * whole path (validate the event, build the entry and the hold's posting, check them, build
 * the call's parameters and serialize its Bind message as pg does) against a stand-in for
 * the pg pool that answers every entry as new. What a single client adds to each
 * completion's latency before the backend starts, measured without the noise of a socket.
 *
 *   CPU_COMPLETIONS=20000 CPU_ROUNDS=5 npm run ts apps/ledger/bench/completion-cpu.bench.ts
 *
 * It uses only the ledger's public classes, so the same file runs against an older tree
 * (copied in) for a side-by-side figure.
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { serialize } from 'pg-protocol';
import { DataSource } from 'typeorm';
import { Metrics } from '@coop/platform';
import { defaultPolicy } from '@coop/policy';
import { TripEventHandler } from '../src/events/trip-event.handler';
import { LedgerRepository } from '../src/journal/ledger.repository';
import { PostingService } from '../src/journal/posting.service';
import { FarePolicyReader } from '../src/policy/fare-policy.reader';
import { completedEvent } from '../test/ledger-fixtures';
import { drivers, riders } from './bench-support';

// pg's own conversion of a parameter to its text form (arrays to array literals).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (v: unknown) => string | Buffer | null };

const perRound = Number(process.env.CPU_COMPLETIONS ?? 20000);
const rounds = Number(process.env.CPU_ROUNDS ?? 5);

/** Answers ledger_append as PostgreSQL does for entries that are all new; the policy query with the default policy. */
function standInDatabase(): DataSource {
  let seq = 0;
  const postedAt = new Date();
  const pool = {
    query: async (config: { name: string; values: unknown[] }) => {
      const values = config.values.map((v) => prepareValue(v));
      serialize.bind({ statement: config.name, values });
      // The entries' ids: a JS array, or the array literal of ids (quoted, nothing escaped) the repository writes now.
      const first = config.values[0];
      const ids: string[] = Array.isArray(first) ? first : JSON.parse(`[${(first as string).slice(1, -1)}]`);
      return { rows: ids.map((id) => ({ out_id: id, out_new: true, out_seq: String(++seq), out_posted_at: postedAt, out_hold_state: null })) };
    },
  };
  return { driver: { master: pool }, query: async () => [{ document: defaultPolicy }] } as unknown as DataSource;
}

async function main(): Promise<void> {
  const db = standInDatabase();
  const journal = new LedgerRepository(db);
  const handler = new TripEventHandler(new PostingService(journal, new Metrics()), new FarePolicyReader(db), journal);
  const events = Array.from({ length: perRound }, (_, i) => completedEvent({ riderId: riders[i % riders.length], driverId: drivers[i % drivers.length] }));
  const once = async () => {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (const e of events) {
      const outcome = await handler.handle('trip.completed', e);
      if (outcome.posted !== 'new' || !(outcome.hold && 'posted' in outcome.hold)) throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    }
    const used = process.cpuUsage(cpu);
    return { cpuUs: (used.user + used.system) / perRound, wallUs: Number(process.hrtime.bigint() - started) / 1000 / perRound };
  };
  await once(); // warm-up: the JIT, the policy cache
  const figures: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const { cpuUs, wallUs } = await once();
    figures.push(`${cpuUs.toFixed(1)} (${wallUs.toFixed(1)})`);
  }
  console.log(`${process.cwd()}: CPU us per completion (wall) ${figures.join(' / ')}, load ${loadavg()[0]!.toFixed(1)}`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
