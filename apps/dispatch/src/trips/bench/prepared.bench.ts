/**
 * What the named statements and the kept pool save on the database side of a trip request:
 *
 * 1. "unnamed" (as TypeORM sends them) against "named" (runPrepared): the trip request, the
 *    busy read and the offer write in one transaction, interleaved round by round on one pool
 *    (order alternating), timed to the last statement (statements) and to the commit (total).
 * 2. A fresh backend against a warm one: the trip request (a quote that does not exist, so it
 *    writes nothing) as the first statement of a new connection, then again on the same one.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/coop_req_new_load \
 *     node -r @swc-node/register apps/dispatch/src/trips/bench/prepared.bench.ts [rounds] [fresh connections]
 *
 * It needs a migrated database with riders, drivers and a policy (a seeded load database),
 * refuses one whose name does not say load or test, and ends every trip it makes.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { EntityManager } from 'typeorm';
import { createDataSource } from '@coop/platform';
import { BUSY_AMONG_STATEMENT } from '../../offers/offers.repository';
import { OFFER_WRITE_STATEMENT } from '../../offers/offer-write';
import { PreparedStatement, runPrepared } from '../prepared-statement';
import { TRIP_REQUEST_STATEMENT } from '../trip-request';

const url = process.env.DATABASE_URL ?? '';
if (!/load|test/.test(new URL(url).pathname)) throw new Error(`refusing ${url}: its name must say load or test`);
const rounds = Number(process.argv[2] ?? 300);
const freshConnections = Number(process.argv[3] ?? 20);

type Run = (tx: EntityManager, s: PreparedStatement, values: unknown[]) => Promise<Record<string, unknown>[]>;
const unnamed: Run = (tx, s, values) => tx.query(s.text, values);
const named: Run = (tx, s, values) => runPrepared(tx, s, values);

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const summary = (xs: number[]) => `${percentile(xs, 0.5).toFixed(3)} | ${percentile(xs, 0.95).toFixed(3)} | ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)}`;

async function main(): Promise<void> {
  const db = createDataSource({ url, applicationName: 'req-prepared-bench' });
  await db.initialize();
  const riders: string[] = (await db.query(
    `SELECT id FROM members m WHERE role = 'rider' AND NOT EXISTS (SELECT 1 FROM trips t WHERE t.rider_id = m.id AND t.status IN ('requested', 'offered', 'matched', 'arrived', 'in_progress'))`,
  )).map((r: { id: string }) => r.id);
  const drivers: string[] = (await db.query(
    `SELECT id FROM members m WHERE role = 'driver' AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.driver_id = m.id AND o.state = 'pending')
        AND NOT EXISTS (SELECT 1 FROM trips t WHERE t.driver_id = m.id AND t.status IN ('matched', 'arrived', 'in_progress'))`,
  )).map((r: { id: string }) => r.id);
  const [policy] = await db.query(`SELECT version, hash FROM policies ORDER BY version DESC LIMIT 1`);
  if (riders.length < 2 || drivers.length < 10 || !policy) throw new Error('needs riders, drivers and a policy (a seeded load database)');

  const newQuote = async (rider: string): Promise<string> => {
    const [row] = await db.query(
      `INSERT INTO quotes (rider_id, kind, vehicle_kind, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng, distance_m, duration_s,
                           fare_amount, currency, fare_breakdown, policy_version, policy_hash, expires_at)
       VALUES ($1, 'ride', 'car', 45.5, -73.57, 45.52, -73.58, 2500, 400, 1234, 'CAD', '{}', $2, $3, now() + interval '5 minutes') RETURNING id`,
      [rider, policy.version, policy.hash],
    );
    return row.id;
  };
  const endRound = async (quoteId: string) => {
    await db.query(`UPDATE offers SET state = 'expired', answered_at = now() WHERE state = 'pending' AND trip_id = (SELECT id FROM trips WHERE quote_id = $1)`, [quoteId]);
    await db.query(`UPDATE trips SET status = 'unfulfilled', ended_at = now() WHERE quote_id = $1`, [quoteId]);
  };

  const statements: Record<'unnamed' | 'named', number[]> = { unnamed: [], named: [] };
  const total: Record<'unnamed' | 'named', number[]> = { unnamed: [], named: [] };
  const runs = { unnamed, named };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['unnamed', 'named'] as const) : (['named', 'unnamed'] as const);
    for (const [k, name] of order.entries()) {
      const rider = riders[(round * 2 + k) % riders.length];
      const driver = drivers[(round * 2 + k) % drivers.length];
      const nearby = drivers.slice(0, 8);
      const quoteId = await newQuote(rider);
      const run = runs[name];
      const t0 = performance.now();
      await db.transaction(async (tx) => {
        const [trip] = await run(tx, TRIP_REQUEST_STATEMENT, [quoteId, rider, new Date().toISOString()]);
        await run(tx, BUSY_AMONG_STATEMENT, [nearby]);
        await run(tx, OFFER_WRITE_STATEMENT, [trip.id, driver, 1, 1, 20, 0.5, ['requested'], 'offered']);
        statements[name].push(performance.now() - t0);
      });
      total[name].push(performance.now() - t0);
      await endRound(quoteId);
    }
  }

  const fresh: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < freshConnections; i++) {
    const client = new Client({ connectionString: url, application_name: 'req-prepared-bench-fresh' });
    await client.connect();
    for (const into of [fresh, warm]) {
      const t0 = performance.now();
      await client.query(TRIP_REQUEST_STATEMENT.text, [randomUUID(), randomUUID(), new Date(0).toISOString()]);
      into.push(performance.now() - t0);
    }
    await client.end();
  }

  console.log(`prepared.bench: ${rounds} interleaved rounds, ${freshConnections} fresh connections, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| variant | p50 ms | p95 ms | mean ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const n of ['unnamed', 'named'] as const) console.log(`| ${n}: three statements | ${summary(statements[n])} |`);
  for (const n of ['unnamed', 'named'] as const) console.log(`| ${n}: with BEGIN and COMMIT | ${summary(total[n])} |`);
  console.log(`| trip request, first statement of a fresh connection | ${summary(fresh)} |`);
  console.log(`| trip request, second run on that connection | ${summary(warm)} |`);
  console.log(`named / unnamed, three statements (p50): ${(percentile(statements.named, 0.5) / percentile(statements.unnamed, 0.5)).toFixed(2)}; with the commit: ${(percentile(total.named, 0.5) / percentile(total.unnamed, 0.5)).toFixed(2)}`);
  await db.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
