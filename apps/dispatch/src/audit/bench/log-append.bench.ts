/**
 * Appends per second to the durable log: the old path (one leaf per transaction, as dispatch
 * did before the group-commit appender) against LogAppender, with 1, 16, 64 and 256 concurrent writers.
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/log-append.bench.ts [secondsPerRow]
 *
 * Uses a throw-away database coop_test_bench_<random> on TEST_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432), created and migrated like the test template, dropped at
 * the end. Every append is a real decision leaf (public form, seal, leaf hash, nodes,
 * disclosure) committed with fsync and synchronous_commit as the server has them. Rows:
 *
 * - old path: `db.transaction(tx => DecisionLogRepository.append(tx, ...))`, main pool of 20;
 * - appender: `LogAppender.appendDecision(record)`: the leaf is built by the caller (pseudonyms,
 *   H3 coarsening, canonical JSON, seal: CPU in this process), then group-committed;
 * - appender, leaves pre-built: `LogAppender.enqueue(entry)` with entries built beforehand,
 *   i.e. what the log's storage sustains when leaf building is spread over other processes.
 *
 * A "writer" is a loop that awaits each append before the next, like a dispatch step. At the end
 * the stored tree is checked: indices contiguous, root from log_nodes = root from the leaves.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { DataSource } from 'typeorm';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { Metrics, SecretStore, createDataSource, migrate, withDatabase } from '@coop/platform';
import { onServer, testServerUrl } from '@coop/testing';
import { MemoryNodeStore, rootHash } from '@coop/transparency-log';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../../libs/matching/src/test-fixtures';
import { PolicyRepository } from '../../policy/policy.repository';
import { PolicyService } from '../../policy/policy.service';
import { DecisionLogRepository } from '../decision-log.repository';
import { LOG_WRITER_APPLICATION, LogAppender } from '../log-appender';
import { LogEntry, logEntry } from '../log-batch.writer';
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

/** Runs `writers` loops of `once` for `seconds`; appends per second. */
async function measure(writers: number, seconds: number, once: (n: number) => Promise<unknown>): Promise<{ perSecond: number; total: number }> {
  let total = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (process.hrtime.bigint() < deadline) await once(total++);
    }),
  );
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: Math.round(total / s), total };
}

async function checkTree(db: DataSource): Promise<number> {
  const rows: { index: string; leaf_hash: Buffer }[] = await db.query('SELECT index, leaf_hash FROM log_leaves ORDER BY index');
  rows.forEach((r, i) => {
    if (Number(r.index) !== i) throw new Error(`gap in the log at ${i}`);
  });
  const memory = new MemoryNodeStore();
  memory.append(rows.map((r) => new Uint8Array(r.leaf_hash)));
  const stored = await rootHash(new PgNodeStore(db), rows.length);
  if (Buffer.compare(Buffer.from(stored), Buffer.from(memory.rootHash()))) throw new Error('root from log_nodes differs from the leaves');
  return rows.length;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const name = `coop_test_bench_${randomBytes(3).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = withDatabase(testServerUrl(), name);
  const db = createDataSource({ url, poolSize: 20 });
  const writerDb = createDataSource({ url, poolSize: 1, applicationName: LOG_WRITER_APPLICATION });
  await db.initialize();
  await writerDb.initialize();
  let appender: LogAppender | undefined;
  try {
    await migrate(db);
    const [{ fsync, synchronous_commit }]: { fsync: string; synchronous_commit: string }[] = await db.query(
      `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit`,
    );
    console.log(
      `${new Date().toISOString()} node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
        `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; PostgreSQL fsync=${fsync} synchronous_commit=${synchronous_commit}; ${seconds} s per row`,
    );
    const policy = new PolicyService(new PolicyRepository(db));
    await policy.ready();
    const builder = new LogLeafBuilder(policy, new PseudonymKeys(new SecretStore(db)));
    const repository = new DecisionLogRepository(builder);
    appender = new LogAppender(writerDb, builder, new Metrics());
    const records = Array.from({ length: 256 }, (_, i) => decision(i));
    const entries: LogEntry[] = await Promise.all(records.map(async (r) => logEntry(await builder.decision(r), r.request.requestId)));
    const log = appender;

    const rows: [string, number, (n: number) => Promise<unknown>][] = [];
    for (const writers of [1, 16, 64, 256]) {
      rows.push([`old path (1 leaf per transaction)`, writers, (n) => db.transaction((tx) => repository.append(tx, 'dispatch_decision', records[n % records.length]))]);
      rows.push([`appender`, writers, (n) => log.appendDecision(records[n % records.length])]);
      rows.push([`appender, leaves pre-built`, writers, (n) => log.enqueue(entries[n % entries.length])]);
    }
    console.log(`| path | writers | appends | appends/s | leaves per transaction (mean) |`);
    console.log(`| --- | ---: | ---: | ---: | ---: |`);
    for (const [label, writers, once] of rows) {
      const before = log.committed.batches;
      const { perSecond, total } = await measure(writers, seconds, once);
      const batches = log.committed.batches - before;
      const perTx = label.startsWith('old') ? 1 : total / Math.max(1, batches);
      console.log(`| ${label} | ${writers} | ${total} | ${perSecond} | ${perTx.toFixed(1)} |`);
    }
    console.log(`checked: ${await checkTree(db)} leaves contiguous, root from log_nodes equals the root of the leaves`);
  } finally {
    await appender?.onApplicationShutdown();
    await db.destroy();
    await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
