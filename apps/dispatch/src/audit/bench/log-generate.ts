/**
 * Generates a transparency log of N leaves in its own PostgreSQL database, fast and resumably,
 * for the proof benchmark (log-proof.bench.ts). The tables are the app's (migrated like any
 * database); leaves and nodes are computed in Node (the library's computeAppend, the same code
 * the appender uses) and loaded one chunk per transaction, so an interrupted run resumes from
 * log_head.size, and running again with a larger N grows the same log.
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/log-generate.ts 10000000 [--db coop_logbench]
 *
 * Leaf i is the text {"kind":"bench","n":i} (kind 'bench'): small on purpose, since proofs read
 * only hashes. The session runs with synchronous_commit off: this is a throw-away database, and
 * a chunk lost in a crash is simply generated again (log_head moves in the chunk's transaction).
 */
import os from 'node:os';
import { Client } from 'pg';
import { createDataSource, migrate, withDatabase } from '@coop/platform';
import { onServer, testServerUrl } from '@coop/testing';
import { AppendResult, computeAppend, hashLeaf } from '@coop/transparency-log';
import { rightEdgeSql } from '../pg-node-store';

/** Leaves per transaction: a power of two, so chunks from an aligned start add whole subtrees. */
const CHUNK = 1 << 16;

export const BENCH_LOG_DATABASE = 'coop_logbench';

/** The text of generated leaf i (what log_leaves.body holds and its leaf_hash hashes). */
export function benchLeafText(i: number): string {
  return `{"kind":"bench","n":${i}}`;
}

/** The nodes of one append, grouped per level into contiguous runs, for one INSERT from a single bytea. */
function nodeRuns(result: AppendResult): { levels: number[]; firsts: string[]; counts: number[]; offsets: number[]; hashes: Buffer } {
  const byLevel = new Map<number, { first: number; hashes: Uint8Array[] }>();
  for (const n of result.nodes) {
    const run = byLevel.get(n.level);
    if (!run) byLevel.set(n.level, { first: n.index, hashes: [n.hash] });
    else if (n.index !== run.first + run.hashes.length) throw new Error(`nodes of level ${n.level} are not contiguous at ${n.index}`);
    else run.hashes.push(n.hash);
  }
  const out = { levels: [] as number[], firsts: [] as string[], counts: [] as number[], offsets: [] as number[], hashes: Buffer.alloc(0) };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [level, run] of byLevel) {
    out.levels.push(level);
    out.firsts.push(String(run.first));
    out.counts.push(run.hashes.length);
    out.offsets.push(offset);
    offset += run.hashes.length;
    parts.push(...run.hashes);
  }
  out.hashes = Buffer.concat(parts);
  return out;
}

/** Leaves [start, start + count) and every node they complete, given the right edge of the tree of `start` leaves. */
function computeChunk(start: number, count: number, edge: Uint8Array[]) {
  const leafHashes = Array.from({ length: count }, (_, k) => hashLeaf(Buffer.from(benchLeafText(start + k), 'utf8')));
  const result = computeAppend(start, edge, leafHashes);
  return { start, count, result, runs: nodeRuns(result), leafHashes: Buffer.concat(leafHashes) };
}

async function storeChunk(client: Client, chunk: ReturnType<typeof computeChunk>): Promise<void> {
  const { start, count, runs } = chunk;
  await client.query('BEGIN');
  try {
    const moved = await client.query(`UPDATE log_head SET size = $2::bigint WHERE id AND size = $1::bigint RETURNING size`, [start, start + count]);
    if (moved.rowCount !== 1) throw new Error(`log_head is not at ${start}: another writer? (run it alone)`);
    await client.query(
      `INSERT INTO log_leaves (index, kind, body, leaf_hash)
       SELECT $1::bigint + g, 'bench', '{"kind":"bench","n":' || ($1::bigint + g) || '}', substring($3::bytea FROM g * 32 + 1 FOR 32)
       FROM generate_series(0, $2::int - 1) AS g`,
      [start, count, chunk.leafHashes],
    );
    await client.query(
      `INSERT INTO log_nodes (level, index, hash)
       SELECT r.level, r.first + g, substring($5::bytea FROM (r.offset + g) * 32 + 1 FOR 32)
       FROM unnest($1::smallint[], $2::bigint[], $3::int[], $4::int[]) AS r(level, first, count, "offset"),
            generate_series(0, r.count - 1) AS g`,
      [runs.levels, runs.firsts, runs.counts, runs.offsets, runs.hashes],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Creates (if needed), migrates and grows the database `name` to `size` leaves; returns its URL. */
export async function generateLog(name: string, size: number, progress: (line: string) => void = console.log): Promise<string> {
  const exists = await serverHas(name);
  if (!exists) await onServer(`CREATE DATABASE "${name}"`);
  const url = withDatabase(testServerUrl(), name);
  const ds = createDataSource({ url, poolSize: 2 }); // migrate() holds one connection for its lock
  await ds.initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
  const client = new Client({ connectionString: url, application_name: 'coop-log-generate' });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    let at = Number((await client.query(`SELECT size FROM log_head`)).rows[0].size);
    if (at >= size) {
      progress(`${name} already holds ${at.toLocaleString('en')} leaves`);
      return url;
    }
    const edgeRows = (await client.query(rightEdgeSql('$1::bigint'), [at])).rows as { hash: Buffer }[];
    let edge: Uint8Array[] = edgeRows.map((r) => new Uint8Array(r.hash));
    const started = Date.now();
    const from = at;
    // Hash chunk k+1 while PostgreSQL stores chunk k (first chunk up to a CHUNK boundary, so later ones stay aligned).
    const nextCount = (s: number) => Math.min(size - s, CHUNK - (s % CHUNK));
    let chunk = computeChunk(at, nextCount(at), edge);
    while (chunk) {
      const storing = storeChunk(client, chunk);
      at = chunk.start + chunk.count;
      edge = chunk.result.edge;
      const next = at < size ? computeChunk(at, nextCount(at), edge) : undefined;
      await storing;
      if ((at / CHUNK) % 16 === 0 || at === size) {
        const s = (Date.now() - started) / 1000;
        progress(`${at.toLocaleString('en')} leaves (${Math.round((at - from) / s).toLocaleString('en')} leaves/s, ${s.toFixed(0)} s)`);
      }
      chunk = next!;
    }
    await client.query('ANALYZE log_leaves; ANALYZE log_nodes');
    return url;
  } finally {
    await client.end();
  }
}

async function serverHas(name: string): Promise<boolean> {
  const client = new Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  try {
    return (await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const size = Number(process.argv[2]);
  if (!Number.isSafeInteger(size) || size < 1) throw new Error('usage: log-generate.ts <leaves> [--db name]');
  const dbAt = process.argv.indexOf('--db');
  const name = dbAt > 0 ? process.argv[dbAt + 1] : BENCH_LOG_DATABASE;
  console.log(`${new Date().toISOString()} ${os.cpus()[0].model} x${os.cpus().length}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}: growing ${name} to ${size.toLocaleString('en')} leaves`);
  const t = Date.now();
  await generateLog(name, size);
  console.log(`done in ${((Date.now() - t) / 1000).toFixed(1)} s (database ${name} kept; drop it with: psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE ${name}')`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
