/**
 * The durable log in PostgreSQL: append throughput, proof latency at large sizes, and the
 * verifier's cost per decision.
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/pg-log.bench.ts [bigSize]
 *
 * Uses a throw-away database coop_test_bench_<random> on TEST_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432), dropped at the end.
 * 1. Appends through DecisionLogRepository with real decision records (public form, seal, leaf,
 *    nodes, disclosure), one leaf per transaction as dispatch did before LogAppender (policy
 *    activations still do), 1 and 8 concurrent writers; log-append.bench.ts compares it with group commit.
 *    Each transaction holds only the append, so this is the log's ceiling, not dispatch's.
 * 2. A log of `bigSize` leaves (default 1,000,000) built in SQL (the migration's level-by-level
 *    node backfill), then inclusion and consistency proofs through PgNodeStore, verified.
 * 3. The verifier's checks of one decision leaf (hash, public ranking, seal, exact replay).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { SecretStore, createDataSource, migrate, withDatabase } from '@coop/platform';
import { onServer, testServerUrl } from '@coop/testing';
import { consistencyProof, hashLeaf, inclusionProof, rootHash, verifyConsistency, verifyInclusion } from '@coop/transparency-log';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../../libs/matching/src/test-fixtures';
import { checkLeaf } from '../../../../../tools/verify-log/leaf-checks';
import { PolicyRepository } from '../../policy/policy.repository';
import { PolicyService } from '../../policy/policy.service';
import { DecisionLogRepository } from '../decision-log.repository';
import { LogLeafBuilder } from '../log-leaf.builder';
import { PgNodeStore } from '../pg-node-store';
import { PseudonymKeys } from '../pseudonym-keys';

function decision(n: number) {
  const policy = policyWith();
  const idx = new SupplyIndex(policy);
  for (let i = 0; i < 5; i++) idx.upsert(carDriver(randomUUID(), 100 + 150 * i + (n % 7)));
  return decideImmediate({
    request: rideRequest({ requestId: randomUUID() }),
    supply: idx,
    nowMs: NOW + n,
    policy,
    policyRef: { version: '1', hash: 'ab'.repeat(32) },
    fairness: { medianEarningsPerHourMinor: 4000 },
  });
}

function quantiles(us: number[]): string {
  const s = [...us].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(0);
  return `median ${q(0.5)} us, p99 ${q(0.99)} us`;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const bigSize = Number(process.argv[2] ?? 1_000_000);
  const name = `coop_test_bench_${randomBytes(3).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const db = createDataSource({ url: withDatabase(testServerUrl(), name), poolSize: 10 });
  await db.initialize();
  try {
    await migrate(db);
    console.log(`${new Date().toISOString()} node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
    const policy = new PolicyService(new PolicyRepository(db));
    await policy.ready();
    const log = new DecisionLogRepository(new LogLeafBuilder(policy, new PseudonymKeys(new SecretStore(db))));
    const records = Array.from({ length: 512 }, (_, i) => decision(i));

    for (const [writers, total] of [[1, 2000], [8, 4000]] as const) {
      let next = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (next < total) {
            const n = next++;
            await db.transaction((tx) => log.append(tx, 'dispatch_decision', records[n % records.length]));
          }
        }),
      );
      const s = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(`append, ${writers} writer(s): ${total} leaves in ${s.toFixed(2)} s = ${Math.round(total / s)} appends/s`);
    }

    // Verifier cost per decision leaf, with and without the auditor's disclosure.
    const rows: { index: string; body: string; leaf_hash: Buffer; salt: Buffer; record: string }[] = await db.query(
      `SELECT l.index, l.body, l.leaf_hash, d.salt, d.record FROM log_leaves l JOIN log_leaf_disclosures d USING (index) ORDER BY index LIMIT 500`,
    );
    for (const full of [false, true]) {
      const times: number[] = [];
      for (const r of rows) {
        const t = process.hrtime.bigint();
        const out = checkLeaf({
          index: Number(r.index),
          leaf: JSON.parse(r.body),
          leafHash: r.leaf_hash.toString('base64'),
          ...(full ? { disclosure: { salt: r.salt.toString('base64'), record: JSON.parse(r.record) } } : {}),
        });
        times.push(Number(process.hrtime.bigint() - t) / 1e3);
        if (out.failures.length) throw new Error(`leaf ${r.index}: ${out.failures.join('; ')}`);
      }
      console.log(`verifier checks per decision (${full ? 'auditor: seal + exact replay' : 'member: hash + ranking'}): ${quantiles(times)}`);
    }

    // A big log built in SQL, then proofs through the PostgreSQL store.
    const t0 = Date.now();
    await db.query(`ALTER TABLE log_nodes DISABLE TRIGGER log_nodes_append_only`);
    await db.query(`DELETE FROM log_nodes`);
    await db.query(`ALTER TABLE log_nodes ENABLE TRIGGER log_nodes_append_only`);
    await db.query(
      `INSERT INTO log_nodes (level, index, hash) SELECT 0, i, sha256('\\x00'::bytea || int8send(i)) FROM generate_series(0, $1::bigint - 1) i`,
      [bigSize],
    );
    for (let level = 0; level < 63; level++) {
      const inserted: unknown[] = await db.query(
        `INSERT INTO log_nodes (level, index, hash)
         SELECT $1::smallint + 1, l.index / 2, sha256('\\x01'::bytea || l.hash || r.hash)
         FROM log_nodes l JOIN log_nodes r ON r.level = l.level AND r.index = l.index + 1
         WHERE l.level = $1 AND l.index % 2 = 0 RETURNING 1`,
        [level],
      );
      if (inserted.length === 0) break;
    }
    await db.query('ANALYZE log_nodes');
    console.log(`built ${bigSize.toLocaleString('en')} leaves of nodes in SQL in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const store = new PgNodeStore(db);
    const random = prng(42);
    for (const size of [1000, bigSize]) {
      const root = await rootHash(store, size);
      const inc: number[] = [];
      const con: number[] = [];
      for (let q = 0; q < 2000; q++) {
        const index = Math.floor(random() * size);
        let t = process.hrtime.bigint();
        const proof = await inclusionProof(store, index, size);
        inc.push(Number(process.hrtime.bigint() - t) / 1e3);
        const leafHash = hashLeaf(int8(index));
        if (!verifyInclusion({ index, treeSize: size, leafHash, proof, rootHash: root }).ok) throw new Error(`bad inclusion ${index}`);
        const old = 1 + Math.floor(random() * (size - 1));
        t = process.hrtime.bigint();
        const cproof = await consistencyProof(store, old, size);
        con.push(Number(process.hrtime.bigint() - t) / 1e3);
        const oldRoot = await rootHash(store, old);
        if (!verifyConsistency({ oldSize: old, newSize: size, oldRoot, newRoot: root, proof: cproof }).ok) throw new Error(`bad consistency ${old}`);
      }
      console.log(`PostgreSQL proofs at ${size.toLocaleString('en')} leaves: inclusion ${quantiles(inc)}; consistency ${quantiles(con)}`);
    }
  } finally {
    await db.destroy();
    await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

/** The bench leaves: SHA-256(0x00 || 8-byte big-endian index), as the SQL builds them. */
function int8(i: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(i));
  return b;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
