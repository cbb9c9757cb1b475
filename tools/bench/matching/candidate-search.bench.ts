/**
 * Candidate search at 1k, 10k and 100k online drivers in a city 30 km across: the H3 ring
 * search of SupplyIndex.candidates (constraints, ETAs and top-N included) side by side with a
 * naive scan of every driver (same screening) and a Redis GEOSEARCH round trip on the same
 * positions (which returns ids only, no constraints). Needs Redis at 127.0.0.1:6379; keys use
 * the prefix `bench:` and are deleted afterwards.
 * Run: node -r @swc-node/register tools/bench/matching/candidate-search.bench.ts
 */
import Redis from 'ioredis';
import { DriverSnapshot, SupplyIndex, defaultMatchingPolicy, recordRequest, screenCandidates } from '@coop/matching';
import { fmt, msSince, mulberry32, percentile } from './bench-util';
import { randomDriver, randomRequest } from './synthetic-city';

const SIDE_M = 30_000;
const NOW = Date.UTC(2026, 10, 23, 17, 0, 0);
const QUERIES = 2000;
const NAIVE_QUERIES = { 1000: 2000, 10_000: 500, 100_000: 100 } as Record<number, number>;
const GEO_KEY = 'bench:drivers:geo';

interface Row {
  drivers: number;
  method: string;
  p50: number;
  p99: number;
  note: string;
}

async function main(): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  let redisOk = true;
  try {
    await redis.connect();
  } catch (e) {
    redisOk = false;
    console.error(`Redis unavailable, GEOSEARCH column skipped: ${(e as Error).message}`);
  }
  const rows: Row[] = [];
  try {
    for (const n of [1000, 10_000, 100_000]) rows.push(...(await runSize(n, redisOk ? redis : null)));
  } finally {
    if (redisOk) {
      await redis.del(GEO_KEY);
      redis.disconnect();
    }
  }
  console.log(`policy: h3 res ${defaultMatchingPolicy.h3Resolution}, candidateCount ${defaultMatchingPolicy.candidateCount}, maxRingRadius ${defaultMatchingPolicy.maxRingRadius}, extraRings ${defaultMatchingPolicy.extraRings}`);
  console.log('| online drivers | method | median per query | p99 per query | notes |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.drivers} | ${r.method} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.note} |`);
}

async function runSize(n: number, redis: Redis | null): Promise<Row[]> {
  const rnd = mulberry32(1000 + n);
  const policy = defaultMatchingPolicy;
  const idx = new SupplyIndex(policy);
  const all: DriverSnapshot[] = [];
  for (let i = 0; i < n; i++) idx.upsert(randomDriver(i, rnd, SIDE_M, NOW));
  for (const d of idx.all()) all.push(d);
  const requests = Array.from({ length: QUERIES }, (_, i) => randomRequest(i, rnd, SIDE_M));
  const warm = Array.from({ length: 300 }, (_, i) => randomRequest(QUERIES + i, rnd, SIDE_M));
  for (const r of warm) idx.candidates(r, NOW);

  const ring: number[] = [];
  let found = 0, rings = 0, got = 0;
  for (const r of requests) {
    const t0 = process.hrtime.bigint();
    const set = idx.candidates(r, NOW);
    ring.push(msSince(t0));
    found += set.search.found.length;
    rings += set.search.ringsSearched;
    got += set.candidates.length;
  }

  // Second pass over the same pickups: the ring-cell cache is warm, as in a long-running process
  // whose pickups keep falling in the same city cells.
  const warmRing: number[] = [];
  for (const r of requests) {
    const t0 = process.hrtime.bigint();
    idx.candidates(r, NOW);
    warmRing.push(msSince(t0));
  }

  const naive: number[] = [];
  const nq = NAIVE_QUERIES[n];
  for (const r of requests.slice(0, nq)) {
    const t0 = process.hrtime.bigint();
    screenCandidates(recordRequest(r), all, NOW, policy, []);
    naive.push(msSince(t0));
  }

  const out: Row[] = [
    { drivers: n, method: 'SupplyIndex.candidates (H3 rings), cold', p50: percentile(ring, 50), p99: percentile(ring, 99), note: `avg ${(rings / QUERIES).toFixed(1)} rings, ${(found / QUERIES).toFixed(0)} drivers seen, ${(got / QUERIES).toFixed(1)} candidates` },
    { drivers: n, method: 'SupplyIndex.candidates, ring cache warm', p50: percentile(warmRing, 50), p99: percentile(warmRing, 99), note: 'same pickups again' },
    { drivers: n, method: 'naive scan of all drivers', p50: percentile(naive, 50), p99: percentile(naive, 99), note: `${nq} queries` },
  ];
  if (redis) {
    await redis.del(GEO_KEY);
    for (let i = 0; i < all.length; i += 5000) {
      const args: (string | number)[] = [];
      for (const d of all.slice(i, i + 5000)) args.push(d.position.lngE6 / 1e6, d.position.latE6 / 1e6, d.driverId);
      await redis.geoadd(GEO_KEY, ...args);
    }
    const radiusM = 3000;
    for (const r of warm.slice(0, 100)) await redis.geosearch(GEO_KEY, 'FROMLONLAT', r.pickup.lng, r.pickup.lat, 'BYRADIUS', radiusM, 'm', 'ASC', 'COUNT', policy.candidateCount);
    const geo: number[] = [];
    for (const r of requests) {
      const t0 = process.hrtime.bigint();
      await redis.geosearch(GEO_KEY, 'FROMLONLAT', r.pickup.lng, r.pickup.lat, 'BYRADIUS', radiusM, 'm', 'ASC', 'COUNT', policy.candidateCount);
      geo.push(msSince(t0));
    }
    out.push({ drivers: n, method: 'Redis GEOSEARCH round trip', p50: percentile(geo, 50), p99: percentile(geo, 99), note: `BYRADIUS ${radiusM} m ASC COUNT ${policy.candidateCount}, ids only (no status/vehicle filter)` });
  }
  return out;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
