/**
 * Proof generation time over a generated log in PostgreSQL, at growing sizes: the log is grown
 * by log-generate.ts (resumable) to each size in turn, then the audit API's own path,
 * AuditService.inclusion / .consistency (tree size check, leaf hash read, PgNodeStore proof),
 * answers random queries. Each proof is verified against the root read from log_nodes, and
 * every query the service sends is counted with the rows it returns.
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/log-proof.bench.ts [sizes=1000,1000000,10000000] [--queries 2000] [--db coop_logbench] [--keep]
 *
 * The database is dropped at the end unless --keep; after a failure it is kept, and the next run
 * resumes growing it from where it stopped.
 */
import { generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import { DataSource } from 'typeorm';
import { SecretStore, SystemClock, createDataSource } from '@coop/platform';
import { onServer } from '@coop/testing';
import { hashLeaf, rootHash, verifyConsistency, verifyInclusion } from '@coop/transparency-log';
import { PolicyRepository } from '../../policy/policy.repository';
import { PolicyService } from '../../policy/policy.service';
import { AuditLogRepository } from '../audit-log.repository';
import { AuditService } from '../audit.service';
import { CheckpointsRepository } from '../checkpoints.repository';
import { LogSigningKey } from '../log-signing-key';
import { PgNodeStore } from '../pg-node-store';
import { PseudonymKeys } from '../pseudonym-keys';
import { TripOutcomesRepository } from '../trip-outcomes.repository';
import { BENCH_LOG_DATABASE, benchLeafText, generateLog } from './log-generate';

/** Counts the queries sent through it and the rows they return (reads per proof). */
class CountingDb {
  queries = 0;
  rows = 0;
  constructor(private readonly db: DataSource) {}
  async query(sql: string, params?: unknown[]): Promise<any> {
    const rows = await this.db.query(sql, params);
    this.queries++;
    this.rows += Array.isArray(rows) ? rows.length : 0;
    return rows;
  }
}

/** Seeded PRNG (mulberry32), so runs ask the same indices. */
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

const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

interface Row {
  size: number;
  proof: string;
  medianMs: number;
  p99Ms: number;
  queries: number;
  rowsMean: number;
  rowsMax: number;
}

async function measure(service: AuditService, counted: CountingDb, store: PgNodeStore, size: number, queries: number): Promise<Row[]> {
  const random = prng(size);
  const root = await rootHash(store, size);
  const inc: number[] = [];
  const con: number[] = [];
  const incRows: number[] = [];
  const conRows: number[] = [];
  let incQueries = 0;
  let conQueries = 0;
  for (let q = 0; q < queries; q++) {
    const index = Math.floor(random() * size);
    counted.queries = counted.rows = 0;
    let t = process.hrtime.bigint();
    const ip = await service.inclusion(index, size);
    inc.push(Number(process.hrtime.bigint() - t) / 1e6);
    incRows.push(counted.rows);
    incQueries = Math.max(incQueries, counted.queries);
    const leafHash = hashLeaf(Buffer.from(benchLeafText(index), 'utf8'));
    if (Buffer.compare(Buffer.from(leafHash), Buffer.from(b(ip.leafHash))) !== 0) throw new Error(`leaf ${index}: stored hash is not the hash of its text`);
    if (!verifyInclusion({ index, treeSize: size, leafHash, proof: ip.proof.map(b), rootHash: root }).ok) throw new Error(`inclusion proof of ${index} does not verify`);

    const old = 1 + Math.floor(random() * (size - 1));
    counted.queries = counted.rows = 0;
    t = process.hrtime.bigint();
    const cp = await service.consistency(old, size);
    con.push(Number(process.hrtime.bigint() - t) / 1e6);
    conRows.push(counted.rows);
    conQueries = Math.max(conQueries, counted.queries);
    const oldRoot = await rootHash(store, old);
    if (!verifyConsistency({ oldSize: old, newSize: size, oldRoot, newRoot: root, proof: cp.proof.map(b) }).ok) throw new Error(`consistency ${old} -> ${size} does not verify`);
  }
  const row = (proof: string, ms: number[], rows: number[], qs: number): Row => ({
    size,
    proof,
    medianMs: quantile(ms, 0.5),
    p99Ms: quantile(ms, 0.99),
    queries: qs,
    rowsMean: rows.reduce((s, x) => s + x, 0) / rows.length,
    rowsMax: Math.max(...rows),
  });
  return [row('inclusion', inc, incRows, incQueries), row('consistency', con, conRows, conQueries)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const sizes = (args[0] && !args[0].startsWith('--') ? args[0] : '1000,1000000,10000000').split(',').map(Number).sort((x, y) => x - y);
  const queries = Number(flag('--queries') ?? 2000);
  const name = flag('--db') ?? BENCH_LOG_DATABASE;
  const keep = args.includes('--keep');
  console.log(`${new Date().toISOString()} node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${queries} queries per size`);
  const results: Row[] = [];
  for (const size of sizes) {
    const t = Date.now();
    const url = await generateLog(name, size, () => undefined);
    console.log(`${new Date().toISOString()} log at ${size.toLocaleString('en')} leaves (${((Date.now() - t) / 1000).toFixed(0)} s to grow it); load average ${os.loadavg()[0].toFixed(1)}`);
    const db = createDataSource({ url, poolSize: 2 });
    await db.initialize();
    try {
      const counted = new CountingDb(db);
      const { privateKey } = generateKeyPairSync('ed25519');
      // Only the proof methods are timed; the other collaborators are real but idle.
      const service = new AuditService(
        counted as unknown as DataSource,
        new CheckpointsRepository(),
        new AuditLogRepository(),
        new LogSigningKey('bench.coop.example/log', privateKey),
        new PseudonymKeys(new SecretStore(db)),
        new PolicyService(new PolicyRepository(db)),
        new SystemClock(),
        new TripOutcomesRepository(),
      );
      const rows = await measure(service, counted, new PgNodeStore(db), size, queries);
      for (const r of rows) {
        results.push(r);
        console.log(`  ${r.proof}: median ${r.medianMs.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${r.queries} queries, rows read mean ${r.rowsMean.toFixed(1)} max ${r.rowsMax}`);
      }
    } finally {
      await db.destroy();
    }
  }
  // Kept after a failure, so the next run resumes the generation.
  if (!keep) await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  console.log(`\n| leaves | proof | median ms | p99 ms | queries | rows read mean | rows read max | 2*ceil(log2 n)+2 |`);
  console.log(`| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const r of results) {
    console.log(`| ${r.size.toLocaleString('en')} | ${r.proof} | ${r.medianMs.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.queries} | ${r.rowsMean.toFixed(1)} | ${r.rowsMax} | ${2 * Math.ceil(Math.log2(r.size)) + 2} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
