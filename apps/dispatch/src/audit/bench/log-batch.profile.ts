/**
 * Where a log batch's time goes: each statement of LogBatchWriter timed on its own, with the
 * COMMIT (WAL flush) apart, beside a bare one-row INSERT+COMMIT on the same server, and the
 * same batch with parts left out (no disclosures, no nodes) to price each part.
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/log-batch.profile.ts [batch] [rounds]
 *
 * Throw-away database coop_test_bench_<random>, dropped at the end. Leaves are built beforehand
 * (real decision leaves: public form, seal, ~5 KiB disclosure), so this prices storage only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { Client } from 'pg';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { SecretStore, createDataSource, migrate, withDatabase } from '@coop/platform';
import { onServer, testServerUrl } from '@coop/testing';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../../libs/matching/src/test-fixtures';
import { PolicyRepository } from '../../policy/policy.repository';
import { PolicyService } from '../../policy/policy.service';
import { LogBatchWriter, LogEntry, logEntry } from '../log-batch.writer';
import { LogLeafBuilder } from '../log-leaf.builder';
import { Queryable } from '../pg-node-store';
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

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A Queryable over one pg Client that adds each statement's time to `times` under its position. */
function timed(client: Client, times: number[][]): Queryable {
  let k = 0;
  return {
    async query(sql: string, params?: unknown[]) {
      const t = process.hrtime.bigint();
      const res = await client.query(sql, params);
      (times[k++] ??= []).push(ms(t));
      return res.rows;
    },
  };
}

async function main(): Promise<void> {
  const batch = Number(process.argv[2] ?? 64);
  const rounds = Number(process.argv[3] ?? 40);
  const name = `coop_test_bench_${randomBytes(3).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = withDatabase(testServerUrl(), name);
  const db = createDataSource({ url, poolSize: 2 });
  await db.initialize();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(db);
    console.log(`${new Date().toISOString()} node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; batch ${batch}, ${rounds} rounds`);
    const policy = new PolicyService(new PolicyRepository(db));
    await policy.ready();
    const builder = new LogLeafBuilder(policy, new PseudonymKeys(new SecretStore(db)));
    const records = Array.from({ length: batch }, (_, i) => decision(i));
    const entries: LogEntry[] = await Promise.all(records.map(async (r) => logEntry(await builder.decision(r), r.request.requestId)));
    const bodyBytes = entries.reduce((s, e) => s + Buffer.byteLength(e.body), 0) / entries.length;
    const recordBytes = entries.reduce((s, e) => s + Buffer.byteLength(e.disclosure!.record), 0) / entries.length;
    console.log(`leaf body ${bodyBytes.toFixed(0)} B, disclosed record ${recordBytes.toFixed(0)} B (means)`);

    await client.query('CREATE TABLE bench_one (id bigserial PRIMARY KEY, v text)');
    const bare: number[] = [];
    for (let i = 0; i < rounds * 4; i++) {
      const t = process.hrtime.bigint();
      await client.query(`INSERT INTO bench_one (v) VALUES ('x')`);
      bare.push(ms(t));
    }
    console.log(`baseline: bare one-row INSERT (autocommit, fsync) median ${median(bare).toFixed(2)} ms`);

    const writer = new LogBatchWriter();
    // The locked way (3 statements in a transaction) against the single statement, interleaved.
    {
      const locked: number[] = [];
      const single: number[] = [];
      const q = timed(client, []);
      for (let r = 0; r < rounds; r++) {
        let t = process.hrtime.bigint();
        await client.query('BEGIN');
        const { after } = await writer.writeLocked(q, entries);
        await client.query('COMMIT');
        locked.push(ms(t));
        t = process.hrtime.bigint();
        const prepared = writer.prepare(after, entries);
        const prepareMs = ms(t);
        if (!(await writer.tryAppend(q, prepared))) throw new Error('the single statement did not match');
        single.push(ms(t));
        if (r === 0) console.log(`prepare (computeAppend + SQL text) ${prepareMs.toFixed(2)} ms, ${prepared.params.length} parameters`);
      }
      console.log(`locked way: batch median ${median(locked).toFixed(2)} ms; single statement: batch median ${median(single).toFixed(2)} ms`);
    }
    // TOAST: EXTENDED (the default) moves a value out of line when the compressed row is still
    // over ~2 KiB (a second heap insert and an index insert per chunk); MAIN compresses and keeps it inline.
    for (const storage of ['EXTENDED', 'MAIN']) {
      await client.query(`ALTER TABLE log_leaves ALTER COLUMN body SET STORAGE ${storage}`);
      await client.query(`ALTER TABLE log_leaf_disclosures ALTER COLUMN record SET STORAGE ${storage}`);
      const times: number[] = [];
      let from = 0;
      for (let r = 0; r < rounds; r++) {
        const t = process.hrtime.bigint();
        await client.query('BEGIN');
        const written = await writer.writeLocked(timed(client, []), entries);
        await client.query('COMMIT');
        times.push(ms(t));
        if (r === 0) from = written.start;
      }
      const [sz] = (
        await client.query(
          `SELECT avg(pg_column_size(l.body))::int AS body, avg(pg_column_size(d.record))::int AS record,
                  pg_column_compression(min(l.body)) AS method
           FROM log_leaves l JOIN log_leaf_disclosures d USING (index) WHERE l.index >= $1`,
          [from],
        )
      ).rows;
      const toast = (await client.query(`SELECT pg_size_pretty(pg_total_relation_size(reltoastrelid)) AS t FROM pg_class WHERE relname = 'log_leaves'`)).rows[0].t;
      console.log(`storage ${storage}: batch median ${median(times).toFixed(2)} ms = ${(median(times) / batch).toFixed(3)} ms/leaf; stored body ${sz.body} B, record ${sz.record} B (${sz.method}); log_leaves TOAST so far ${toast}`);
    }
    const variants: [string, (e: LogEntry) => LogEntry, boolean][] = [
      ['as stored', (e) => e, true],
      ['synchronous_commit off (no WAL flush wait)', (e) => e, false],
      ['no disclosures', (e) => ({ ...e, disclosure: undefined }), true],
      ['tiny bodies, no disclosures', (e) => ({ ...e, body: '{}', disclosure: undefined }), true],
    ];
    for (const [label, shape, sync] of variants) {
      const shaped = entries.map(shape);
      const times: number[][] = [];
      const totals: number[] = [];
      const commits: number[] = [];
      await client.query(`SET synchronous_commit = ${sync ? 'on' : 'off'}`);
      for (let r = 0; r < rounds; r++) {
        const t = process.hrtime.bigint();
        await client.query('BEGIN');
        await writer.write(timed(client, times), shaped);
        const c = process.hrtime.bigint();
        await client.query('COMMIT');
        commits.push(ms(c));
        totals.push(ms(t));
      }
      const parts = times.map((xs, k) => `stmt${k + 1} ${median(xs).toFixed(2)}`).join(', ');
      console.log(`${label}: batch median ${median(totals).toFixed(2)} ms = ${(median(totals) / batch).toFixed(3)} ms/leaf; ${parts}, COMMIT ${median(commits).toFixed(2)} ms`);
    }
  } finally {
    await client.end();
    await db.destroy();
    await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
