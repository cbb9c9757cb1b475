/**
 * Appends per second to the durable log, every way side by side in one run (so a noisy machine
 * moves them together), with 1, 16, 64 and 256 concurrent writers:
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/log-append.bench.ts [secondsPerWay] [writers=1,16,64,256]
 *
 * Each way runs in 0.5 s slices, the ways taking turns, secondsPerWay in all per writer count.
 * BENCH_WAYS=<regex> runs only the ways whose label matches (and the baseline, unless
 * BENCH_BASELINE=off: for a CPU profile of one way). Besides
 * appends/s, each row prints this process's CPU per append (process.cpuUsage), which the
 * machine's load moves far less than the rate.
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
 * - appender, locked way: each batch reads the right edge under the lock, 3 statements in a
 *   transaction (the app's default);
 * - appender, single statement, 1 or 2 in flight (LogAppenderOptions.singleStatement);
 * - appender, leaf built by the caller: `appendDecision(record)` (pseudonyms, H3 coarsening,
 *   canonical JSON, seal: CPU in this process) with the single statement, 2 in flight, and the
 *   locked way; each beside the same with the builder as it was before 2026-12-07 (reference
 *   builder: decision-leaf.reference.ts, randomBytes salt, no pseudonym cache; same privacy
 *   settings). The other appender rows enqueue leaves built beforehand: what the log's storage
 *   sustains. The 256 records are cycled, so the builder's pseudonym cache hits every id after
 *   the first cycle (in production a new trip's request id misses: one HMAC, ~4 us, a leaf);
 * - two appenders on one log, as two dispatch processes (sharing this event loop), the writers
 *   split between them: their batches alternate on the lock, so most would miss their tree; with
 *   the single statement, each backs off to the locked way for 1 s after seeing the other's
 *   append (the default), or not ("no back-off", what the appender did before);
 * - the locked way with v2 leaves (the whole matching policy embedded in the public record and
 *   the disclosed record, as the log stored decisions before leaf schema v3).
 *
 * A "writer" is a loop that awaits each append before the next, like a dispatch step. At the end
 * the stored tree is checked: indices contiguous, root from log_nodes = root from the leaves.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { canonicalize } from '@coop/canonical-json';
import os from 'node:os';
import { DataSource } from 'typeorm';
import { DecisionRecord, SupplyIndex, decideImmediate } from '@coop/matching';
import { Metrics, SecretStore, createDataSource, migrate, withDatabase } from '@coop/platform';
import { onServer, testServerUrl } from '@coop/testing';
import { MemoryNodeStore, hashLeaf, rootHash } from '@coop/transparency-log';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../../libs/matching/src/test-fixtures';
import { PolicyRepository } from '../../policy/policy.repository';
import { PolicyService } from '../../policy/policy.service';
import { DecisionLogRepository } from '../decision-log.repository';
import { LOG_WRITER_APPLICATION, LogAppender, LogAppenderOptions, PIPELINE_DEPTH } from '../log-appender';
import { LogEntry, logEntry } from '../log-batch.writer';
import { referenceDecisionLeafTexts } from '../decision-leaf.reference';
import { LEAF_SCHEMA_V2, withPolicyRef } from '../log-leaf';
import { periodOf, pseudonym } from '../privacy/pseudonym';
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

/** Runs `writers` loops of `once` for `seconds` (each finishes the append it is in); appends and seconds taken. */
/**
 * The same leaf as leaf schema v2 stored it: the whole matching policy embedded in the public
 * record and in the disclosed full record (what the log wrote before v3), to price those bytes.
 */
function asV2(entry: LogEntry, record: DecisionRecord): LogEntry {
  const leaf = JSON.parse(entry.body);
  leaf.schema = LEAF_SCHEMA_V2;
  leaf.record.policy = record.policy;
  const body = canonicalize(leaf);
  return { ...entry, body, leafHash: hashLeaf(Buffer.from(body, 'utf8')), disclosure: { salt: entry.disclosure!.salt, record: canonicalize(record) } };
}

/**
 * A LogLeafBuilder that builds decisions as the app did before 2026-12-07: the old
 * LogLeafBuilder.decision line for line (same policy and key lookups, randomBytes salt, one
 * pseudonym map per record), building through decision-leaf.reference.ts (canonicalize, redact,
 * seal, canonicalize, with the reference RFC 8785 writer).
 */
function referenceBuilder(policies: PolicyService, keys: PseudonymKeys, current: LogLeafBuilder): LogLeafBuilder {
  return {
    decision: async (decided: DecisionRecord) => {
      const record = withPolicyRef(decided);
      const named = await policies.version(Number(record.policy.version));
      const privacy = (named ?? policies.inForce()).document.privacy;
      const rotation = privacy?.pseudonymRotation ?? 'monthly';
      const h3Resolution =
        Number.isInteger(privacy?.publicH3Resolution) && privacy.publicH3Resolution >= 0 && privacy.publicH3Resolution <= 15 ? privacy.publicH3Resolution : 7;
      const period = periodOf(record.nowMs, rotation);
      const key = await keys.keyFor(period);
      const salt = randomBytes(16);
      const seen = new Map<string, string>();
      const pseudonymOf = (id: string) => {
        let p = seen.get(id);
        if (p === undefined) seen.set(id, (p = pseudonym(key, id)));
        return p;
      };
      const texts = referenceDecisionLeafTexts(record, { pseudonymOf, h3Resolution }, { period, rotation, h3Resolution }, salt);
      return { kind: 'dispatch_decision', text: texts.leafText, disclosure: { salt, record: texts.fullRecord } };
    },
    policyActivation: current.policyActivation.bind(current),
  } as unknown as LogLeafBuilder;
}

async function measure(writers: number, seconds: number, once: (n: number) => Promise<unknown>): Promise<{ total: number; elapsed: number }> {
  let total = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (process.hrtime.bigint() < deadline) await once(total++);
    }),
  );
  return { total, elapsed: Number(process.hrtime.bigint() - started) / 1e9 };
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
  // One database per appender, copied from the migrated first: an appender's tree is then never
  // moved by another way's appends between its slices, which would send it the locked way.
  const copies = ['locked', 'single1', 'single2', 'pair_locked', 'pair_single', 'locked_v2', 'pair_eager', 'single2_ref', 'locked_ref'].map((way) => `${name}_${way}`);
  await onServer(`CREATE DATABASE "${name}"`);
  const url = withDatabase(testServerUrl(), name);
  const first = createDataSource({ url, poolSize: 2 });
  await first.initialize();
  await migrate(first);
  await first.destroy();
  for (const copy of copies) await onServer(`CREATE DATABASE "${copy}" TEMPLATE "${name}"`);
  const db = createDataSource({ url, poolSize: 20 });
  await db.initialize();
  const appenders: LogAppender[] = [];
  const writerDbs: DataSource[] = [];
  try {
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
    const keys = new PseudonymKeys(new SecretStore(db));
    const builder = new LogLeafBuilder(policy, keys);
    const repository = new DecisionLogRepository(builder);
    const appender = async (database: string, options: LogAppenderOptions, leafBuilder: LogLeafBuilder = builder) => {
      const writerDb = createDataSource({ url: withDatabase(url, database), poolSize: options.depth ?? PIPELINE_DEPTH, applicationName: LOG_WRITER_APPLICATION });
      await writerDb.initialize();
      writerDbs.push(writerDb);
      const a = new LogAppender(writerDb, leafBuilder, new Metrics(), options);
      appenders.push(a);
      return a;
    };
    const lockedWay = await appender(copies[0], { depth: 1, singleStatement: false });
    const single1 = await appender(copies[1], { depth: 1, singleStatement: true });
    const single2 = await appender(copies[2], { depth: 2, singleStatement: true });
    // Two appenders on one database, as two dispatch processes would be: their batches alternate on the lock.
    const pairLocked = [await appender(copies[3], { depth: 1, singleStatement: false }), await appender(copies[3], { depth: 1, singleStatement: false })];
    const pairSingle = [await appender(copies[4], { depth: 2, singleStatement: true }), await appender(copies[4], { depth: 2, singleStatement: true })];
    const lockedV2 = await appender(copies[5], { depth: 1, singleStatement: false });
    // Without the back-off after another writer's append: every batch tries the statement first.
    const eager = { depth: 2, singleStatement: true, contendedBackoffMs: 0 };
    const pairEager = [await appender(copies[6], eager), await appender(copies[6], eager)];
    // The builder as it was before 2026-12-07 (decision-leaf.reference.ts), to price the new one in the same run.
    const before = referenceBuilder(policy, keys, builder);
    const single2Before = await appender(copies[7], { depth: 2, singleStatement: true }, before);
    const lockedBefore = await appender(copies[8], { depth: 1, singleStatement: false }, before);
    const records = Array.from({ length: 256 }, (_, i) => decision(i));
    const entries: LogEntry[] = await Promise.all(records.map(async (r) => logEntry(await builder.decision(r), r.request.requestId)));
    const entriesV2 = entries.map((e, k) => asV2(e, records[k]));
    const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    for (const [label, es] of [['v3', entries], ['v2', entriesV2]] as const) {
      console.log(
        `leaf schema ${label}: leaf text ${mean(es.map((e) => Buffer.byteLength(e.body)))} B + disclosed record ${mean(es.map((e) => Buffer.byteLength(e.disclosure!.record)))} B (means)`,
      );
    }
    await db.query(`CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`);

    type Way = [label: string, once: (n: number) => Promise<unknown>, appenders?: LogAppender | LogAppender[]];
    const committed = (log: LogAppender | LogAppender[]) =>
      [log].flat().reduce((sum, a) => ({ batches: sum.batches + a.committed.batches, lockedBatches: sum.lockedBatches + a.committed.lockedBatches }), { batches: 0, lockedBatches: 0 });
    const ways: Way[] = [
      [`baseline: bare one-row INSERT, autocommit (pool of 20)`, () => db.query(`INSERT INTO bench_baseline DEFAULT VALUES`)],
      [`locked path, 1 leaf per transaction`, (n) => db.transaction((tx) => repository.append(tx, 'dispatch_decision', records[n % records.length]))],
      [`appender, locked way, 1 in flight (the app's default)`, (n) => lockedWay.enqueue(entries[n % entries.length]), lockedWay],
      [`appender, locked way, 1 in flight, v2 leaves (policy embedded)`, (n) => lockedV2.enqueue(entriesV2[n % entriesV2.length]), lockedV2],
      [`appender, single statement, 1 in flight`, (n) => single1.enqueue(entries[n % entries.length]), single1],
      [`appender, single statement, 2 in flight`, (n) => single2.enqueue(entries[n % entries.length]), single2],
      [`appender, single statement, 2 in flight, leaf built by the caller`, (n) => single2.appendDecision(records[n % records.length]), single2],
      [`the same, leaf built by the caller the way before (reference builder)`, (n) => single2Before.appendDecision(records[n % records.length]), single2Before],
      [`appender, locked way (the app's default), leaf built by the caller`, (n) => lockedWay.appendDecision(records[n % records.length]), lockedWay],
      [`the same, leaf built by the caller the way before (reference builder)`, (n) => lockedBefore.appendDecision(records[n % records.length]), lockedBefore],
      [`two appenders on one log, locked way`, (n) => pairLocked[n % 2].enqueue(entries[n % entries.length]), pairLocked],
      [`two appenders on one log, single statement, 2 in flight`, (n) => pairSingle[n % 2].enqueue(entries[n % entries.length]), pairSingle],
      [`two appenders on one log, single statement, 2 in flight, no back-off`, (n) => pairEager[n % 2].enqueue(entries[n % entries.length]), pairEager],
    ];
    // The machine is shared and its load swings within seconds: each way runs in short slices,
    // taking turns, so every way sees the same load; figures are totals over all its slices.
    // (A batch still in flight at a slice's end finishes in it: the slice's time includes it.)
    const slice = 0.5;
    const cycles = Math.max(1, Math.round(seconds / slice));
    console.log(`each way runs ${cycles} slices of ${slice} s per writer count, the ways taking turns`);
    // BENCH_WAYS=<regex>: only the ways whose label matches (a shorter run); the baseline runs too
    // unless BENCH_BASELINE=off (for a CPU profile of one way alone).
    const only = process.env.BENCH_WAYS ? new RegExp(process.env.BENCH_WAYS) : undefined;
    const baseline = process.env.BENCH_BASELINE !== 'off';
    const chosen = ways.filter(([label], k) => (k === 0 ? baseline : !only || only.test(label)));
    console.log(`| path | writers | appends | appends/s | leaves per batch (mean) | locked batches | this process's CPU per append (us; of it in the kernel) | load average at the end |`);
    console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
    for (const writers of writerCounts) {
      const totals = chosen.map(() => ({ appends: 0, seconds: 0, batches: 0, locked: 0, cpuUs: 0, systemUs: 0 }));
      for (let c = 0; c < cycles; c++) {
        for (const [k, [, once, log]] of chosen.entries()) {
          const before = log && committed(log);
          // This process's CPU (every thread: GC, pg's encoding, the builder), robust to the machine's load; PostgreSQL's is not in it.
          const cpuBefore = process.cpuUsage();
          const { total, elapsed } = await measure(writers, slice, once);
          const cpu = process.cpuUsage(cpuBefore);
          totals[k].cpuUs += cpu.user + cpu.system;
          totals[k].systemUs += cpu.system;
          const after = log && committed(log);
          totals[k].appends += total;
          totals[k].seconds += elapsed;
          totals[k].batches += before && after ? after.batches - before.batches : total;
          totals[k].locked += before && after ? after.lockedBatches - before.lockedBatches : 0;
        }
      }
      for (const [k, [label, , log]] of chosen.entries()) {
        const t = totals[k];
        const perBatch = (t.appends / Math.max(1, t.batches)).toFixed(1);
        const cpuPerAppend = `${Math.round(t.cpuUs / Math.max(1, t.appends))} (system ${Math.round(t.systemUs / Math.max(1, t.appends))})`;
        console.log(`| ${label} | ${writers} | ${t.appends} | ${Math.round(t.appends / t.seconds)} | ${perBatch} | ${log ? t.locked : ''} | ${cpuPerAppend} | ${load()} |`);
      }
    }
    for (const [k, database] of [name, ...copies].entries()) {
      const d = k === 0 ? db : writerDbs[[0, 1, 2, 3, 5, 7, 8, 10, 11][k - 1]];
      console.log(`checked ${database}: ${await checkTree(d)} leaves contiguous, root from log_nodes equals the root of the leaves`);
    }
  } finally {
    for (const a of appenders) await a.onApplicationShutdown().catch(() => undefined);
    await db.destroy();
    for (const d of [name, ...copies]) await onServer(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
