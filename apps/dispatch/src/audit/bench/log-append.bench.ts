/**
 * Appends per second to the durable log, every way side by side in one run (so a noisy machine
 * moves them together), with 1, 16, 64 and 256 concurrent writers:
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/log-append.bench.ts [secondsPerRow] [writers=1,16,64,256]
 *
 * Uses a throw-away database coop_test_bench_<random> on TEST_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432), created and migrated like the test template, dropped at
 * the end. Every append is a real decision leaf (public form, seal, leaf hash, nodes,
 * disclosure) committed with fsync and synchronous_commit as the server has them. Rows:
 *
 * - baseline: a bare one-row INSERT, autocommitted (one fsync each), on a pool of 20: what
 *   this machine's disk and CPU allow for a transaction right now;
 * - locked path, one leaf per transaction: `DecisionLogRepository.append` in its own transaction
 *   (policy activations still append this way; dispatch did before the appender);
 * - appender, locked way: the group-commit appender as it was before the single statement
 *   (each batch reads the right edge under the lock: 3 statements in a transaction), 1 in flight;
 * - appender, single statement, 1 or 2 in flight (2 is the app's default);
 * - appender, leaf built by the caller: `appendDecision(record)` (pseudonyms, H3 coarsening,
 *   canonical JSON, seal: CPU in this process) with the default appender. The other appender
 *   rows enqueue leaves built beforehand: what the log's storage sustains.
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
import { LOG_WRITER_APPLICATION, LogAppender, LogAppenderOptions, PIPELINE_DEPTH } from '../log-appender';
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
  const writerCounts = (process.argv[3] ?? '1,16,64,256').split(',').map(Number);
  const name = `coop_test_bench_${randomBytes(3).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = withDatabase(testServerUrl(), name);
  const db = createDataSource({ url, poolSize: 20 });
  await db.initialize();
  const appenders: LogAppender[] = [];
  try {
    await migrate(db);
    const [{ fsync, synchronous_commit }]: { fsync: string; synchronous_commit: string }[] = await db.query(
      `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit`,
    );
    const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
    console.log(
      `${new Date().toISOString()} node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
        `load average ${load()}; PostgreSQL fsync=${fsync} synchronous_commit=${synchronous_commit}; ${seconds} s per row`,
    );
    const policy = new PolicyService(new PolicyRepository(db));
    await policy.ready();
    const builder = new LogLeafBuilder(policy, new PseudonymKeys(new SecretStore(db)));
    const repository = new DecisionLogRepository(builder);
    const appender = async (options: LogAppenderOptions) => {
      const writerDb = createDataSource({ url, poolSize: options.depth ?? PIPELINE_DEPTH, applicationName: LOG_WRITER_APPLICATION });
      await writerDb.initialize();
      const a = new LogAppender(writerDb, builder, new Metrics(), options);
      appenders.push(a);
      return a;
    };
    const lockedWay = await appender({ depth: 1, singleStatement: false });
    const single1 = await appender({ depth: 1 });
    const single2 = await appender({ depth: 2 });
    const records = Array.from({ length: 256 }, (_, i) => decision(i));
    const entries: LogEntry[] = await Promise.all(records.map(async (r) => logEntry(await builder.decision(r), r.request.requestId)));
    await db.query(`CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`);

    type Row = [label: string, writers: number, once: (n: number) => Promise<unknown>, appender?: LogAppender];
    const rows: Row[] = [];
    for (const writers of writerCounts) {
      rows.push([`baseline: bare one-row INSERT, autocommit (pool of 20)`, writers, () => db.query(`INSERT INTO bench_baseline DEFAULT VALUES`)]);
      rows.push([`locked path, 1 leaf per transaction`, writers, (n) => db.transaction((tx) => repository.append(tx, 'dispatch_decision', records[n % records.length]))]);
      rows.push([`appender, locked way (before), 1 in flight`, writers, (n) => lockedWay.enqueue(entries[n % entries.length]), lockedWay]);
      rows.push([`appender, single statement, 1 in flight`, writers, (n) => single1.enqueue(entries[n % entries.length]), single1]);
      rows.push([`appender, single statement, 2 in flight (default)`, writers, (n) => single2.enqueue(entries[n % entries.length]), single2]);
      rows.push([`appender (default), leaf built by the caller`, writers, (n) => single2.appendDecision(records[n % records.length]), single2]);
    }
    console.log(`| path | writers | appends | appends/s | leaves per batch (mean) | locked batches | load average |`);
    console.log(`| --- | ---: | ---: | ---: | ---: | ---: | --- |`);
    for (const [label, writers, once, log] of rows) {
      const before = { ...(log?.committed ?? { batches: 0, lockedBatches: 0 }) };
      const { perSecond, total } = await measure(writers, seconds, once);
      const batches = log ? log.committed.batches - before.batches : total;
      const locked = log ? log.committed.lockedBatches - before.lockedBatches : '';
      console.log(`| ${label} | ${writers} | ${total} | ${perSecond} | ${(total / Math.max(1, batches)).toFixed(1)} | ${locked} | ${load()} |`);
    }
    console.log(`checked: ${await checkTree(db)} leaves contiguous, root from log_nodes equals the root of the leaves`);
  } finally {
    for (const a of appenders) await a.onApplicationShutdown();
    await db.destroy();
    await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
