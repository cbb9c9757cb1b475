/**
 * The database side of a trip request and its first offer, as it was (commit 1f36fa3: ten
 * statements, a savepoint) and as it is (four: TRIP_REQUEST_SQL, the busy read, OFFER_WRITE_SQL,
 * and the claim of the Idempotency-Key before them, now without its flush wait), interleaved
 * round by round on one pool so both see the same machine, beside the load runner's floor (one
 * autocommitted INSERT). The decision's log append (the audit appender's, the same for both) is
 * stood in for by one autocommitted INSERT on a pool of its own, placed as each variant places
 * the append: overlapping the trip's status write before, ahead of the offer statement now.
 * Prints p50/p95/mean per variant and the ratios of p50s:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/coop_h4_load \
 *     node -r @swc-node/register apps/dispatch/src/trips/bench/request-path.bench.ts [rounds]
 *
 * It needs a migrated database with riders, drivers and a policy (a load database after a
 * seeded run), refuses one whose name does not say load or test, and ends every trip it makes.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EntityManager } from 'typeorm';
import { createDataSource } from '@coop/platform';
import { TRIP_REQUEST_SQL } from '../trip-request';
import { OFFER_WRITE_SQL } from '../../offers/offer-write';

const url = process.env.DATABASE_URL ?? '';
if (!/load|test/.test(new URL(url).pathname)) throw new Error(`refusing ${url}: its name must say load or test`);
const rounds = Number(process.argv[2] ?? 200);

const BUSY_SQL = `SELECT driver_id, 'holding_offer' AS why FROM offers WHERE state = 'pending' AND driver_id = ANY($1)
  UNION ALL SELECT driver_id, 'on_trip' AS why FROM trips WHERE status IN ('matched', 'arrived', 'in_progress') AND driver_id = ANY($1)`;

type Quote = { id: string; rider: string };
type Variant = (tx: EntityManager, quote: Quote, driver: string, nearby: string[], logAppend: () => Promise<unknown>) => Promise<void>;

/** The statements of commit 1f36fa3, in its order (the status write overlapped the log append there; here nothing is appended). */
const before: Variant = async (tx, quote, driver, nearby, logAppend) => {
  const [q] = await tx.query(`SELECT *, expires_at <= now() AS expired FROM quotes WHERE id = $1`, [quote.id]);
  await tx.query(`SELECT * FROM trips WHERE quote_id = $1`, [quote.id]);
  const [trip] = await tx.query(
    `INSERT INTO trips (quote_id, rider_id, kind, vehicle_kind, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng,
                        status, fare_amount, currency, policy_version, policy_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'requested', $9, $10, $11, $12) RETURNING *`,
    [q.id, q.rider_id, q.kind, q.vehicle_kind, q.pickup_lat, q.pickup_lng, q.dropoff_lat, q.dropoff_lng, q.fare_amount, q.currency, q.policy_version, q.policy_hash],
  );
  await tx.query(`INSERT INTO trip_events (trip_id, type, from_status, to_status, actor_id, data) VALUES ($1, $2, $3, $4, $5, $6)`,
    [trip.id, 'requested', null, 'requested', quote.rider, {}]);
  await tx.query(`INSERT INTO outbox (topic, payload) VALUES ($1, $2)`, ['trip.requested', { tripId: trip.id, riderId: quote.rider, at: new Date().toISOString() }]);
  await tx.query('SAVEPOINT first_dispatch');
  await tx.query(BUSY_SQL, [nearby]);
  await Promise.all([
    tx.query(`UPDATE trips SET status = $2, updated_at = now(), offer_count = offer_count + 1 WHERE id = $1 AND status = ANY($3) RETURNING *`,
      [trip.id, 'offered', ['requested']]),
    logAppend(),
  ]);
  const [offer] = await tx.query(
    `INSERT INTO offers (trip_id, driver_id, attempt, state, decision_index, expires_at)
     VALUES ($1, $2, $3, 'pending', $4, now() + make_interval(secs => $5))
     ON CONFLICT (driver_id) WHERE state = 'pending' DO NOTHING RETURNING *`,
    [trip.id, driver, 1, 1, 20],
  );
  await tx.query(`INSERT INTO trip_events (trip_id, type, from_status, to_status, actor_id, data) VALUES ($1, $2, $3, $4, $5, $6)`,
    [trip.id, 'offer_made', 'requested', 'offered', null, { offerId: offer.id, driverId: driver, decisionIndex: 1, score: 0.5 }]);
};

/** The statements of this commit. */
const after: Variant = async (tx, quote, driver, nearby, logAppend) => {
  const [trip] = await tx.query(TRIP_REQUEST_SQL, [quote.id, quote.rider, new Date().toISOString()]);
  await tx.query(BUSY_SQL, [nearby]);
  await logAppend();
  await tx.query(OFFER_WRITE_SQL, [trip.id, driver, 1, 1, 20, 0.5, ['requested'], 'offered']);
};

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function main(): Promise<void> {
  const db = createDataSource({ url, applicationName: 'h4-request-path-bench' });
  await db.initialize();
  const logDb = createDataSource({ url, poolSize: 2, applicationName: 'h4-request-path-bench-log' });
  await logDb.initialize();
  const riders: string[] = (await db.query(
    `SELECT id FROM members m WHERE role = 'rider' AND NOT EXISTS (SELECT 1 FROM trips t WHERE t.rider_id = m.id AND t.status IN ('requested', 'offered', 'matched', 'arrived', 'in_progress'))`,
  )).map((r: { id: string }) => r.id);
  const drivers: string[] = (await db.query(
    `SELECT id FROM members m WHERE role = 'driver' AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.driver_id = m.id AND o.state = 'pending')`,
  )).map((r: { id: string }) => r.id);
  const [policy] = await db.query(`SELECT version, hash FROM policies ORDER BY version DESC LIMIT 1`);
  if (riders.length < 2 || drivers.length < 6 || !policy) throw new Error('needs riders, drivers and a policy (run a seeded load scenario first)');
  await db.query(`CREATE TABLE IF NOT EXISTS h4_bench_floor (id bigserial PRIMARY KEY, client_id text NOT NULL, seq integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const logAppend = () => logDb.query(`INSERT INTO h4_bench_floor (client_id, seq) VALUES ('log', 0)`);

  const newQuote = async (rider: string): Promise<Quote> => {
    const [row] = await db.query(
      `INSERT INTO quotes (rider_id, kind, vehicle_kind, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng, distance_m, duration_s,
                           fare_amount, currency, fare_breakdown, policy_version, policy_hash, expires_at)
       VALUES ($1, 'ride', 'car', 45.5, -73.57, 45.52, -73.58, 2500, 400, 1234, 'CAD', '{}', $2, $3, now() + interval '5 minutes') RETURNING id`,
      [rider, policy.version, policy.hash],
    );
    return { id: row.id, rider };
  };
  /** Ends what a round made, so the rider and driver are free for the next (not timed). */
  const endRound = async (quote: Quote) => {
    await db.query(`UPDATE offers SET state = 'expired', answered_at = now() WHERE state = 'pending' AND trip_id = (SELECT id FROM trips WHERE quote_id = $1)`, [quote.id]);
    await db.query(`UPDATE trips SET status = 'unfulfilled', ended_at = now() WHERE quote_id = $1`, [quote.id]);
  };
  const claim = async () => {
    await db.query(`INSERT INTO idempotency_keys (member_id, key, request_hash) VALUES ($1, $2, 'h') ON CONFLICT DO NOTHING RETURNING key`, [randomUUID(), randomUUID()]);
  };
  const claimNoFlushWait = async () => {
    await db.query(
      `WITH no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))
       INSERT INTO idempotency_keys (member_id, key, request_hash) SELECT $1, $2, 'h' FROM no_flush_wait ON CONFLICT DO NOTHING RETURNING key`,
      [randomUUID(), randomUUID()],
    );
  };

  const times: Record<'floor' | 'before' | 'after', number[]> = { floor: [], before: [], after: [] };
  const variants = { before: { claim, run: before }, after: { claim: claimNoFlushWait, run: after } };
  for (let round = 0; round < rounds; round++) {
    // Order alternates every round so neither variant always follows the other.
    const order = round % 2 === 0 ? (['floor', 'before', 'after'] as const) : (['after', 'before', 'floor'] as const);
    for (const name of order) {
      if (name === 'floor') {
        const t0 = performance.now();
        await db.query(`INSERT INTO h4_bench_floor (client_id, seq) VALUES ($1, $2) RETURNING id`, ['bench', round]);
        times.floor.push(performance.now() - t0);
        continue;
      }
      const rider = riders[(round * 2 + (name === 'after' ? 1 : 0)) % riders.length];
      const driver = drivers[(round * 2 + (name === 'after' ? 1 : 0)) % drivers.length];
      const nearby = drivers.slice(0, 5);
      const quote = await newQuote(rider);
      const t0 = performance.now();
      await variants[name].claim();
      await db.transaction((tx) => variants[name].run(tx, quote, driver, nearby, logAppend));
      times[name].push(performance.now() - t0);
      await endRound(quote);
    }
  }
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ');
  const p50 = (n: keyof typeof times) => percentile(times[n], 0.5);
  console.log(`request path, database side (claim + transaction, log append stood in for), ${rounds} rounds, load average ${load}`);
  console.log('| variant | p50 ms | p95 ms | mean ms | p50 / floor p50 |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const n of ['floor', 'before', 'after'] as const) {
    const mean = times[n].reduce((a, b) => a + b, 0) / times[n].length;
    console.log(`| ${n} | ${p50(n).toFixed(2)} | ${percentile(times[n], 0.95).toFixed(2)} | ${mean.toFixed(2)} | ${(p50(n) / p50('floor')).toFixed(2)} |`);
  }
  console.log(`after / before (p50): ${(p50('after') / p50('before')).toFixed(2)}`);
  await db.query(`DROP TABLE h4_bench_floor`);
  await Promise.all([db.destroy(), logDb.destroy()]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
