/**
 * Proof generation and verification over MemoryNodeStore at 1k, 1M and 10M leaves.
 *
 *   cd /work/main && node -r @swc-node/register libs/transparency-log/bench/proof.bench.ts [sizes...]
 *
 * Sizes default to 1000 1000000 10000000. Leaves are hashLeaf(8-byte big-endian index),
 * appended in batches through the storage-agnostic appender, so the build time is also the
 * append throughput. Queries come from a seeded PRNG (same queries on every run). "reads" is
 * the number of stored nodes a proof needs: what the PostgreSQL store fetches in its one query.
 * Timings are for the in-memory store: they measure planning + hashing of the right-edge pieces,
 * not database latency.
 */
import os from 'node:os';
import {
  consistencyProofSync,
  hashLeaf,
  inclusionProofSync,
  MemoryNodeStore,
  planConsistency,
  planInclusion,
  verifyConsistency,
  verifyInclusion,
} from '@coop/transparency-log';

const QUERIES = 20_000;
const BATCH = 1 << 16;

/** mulberry32: small seeded PRNG, so every run asks the same questions. */
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

function leafHashOf(i: number): Uint8Array {
  const data = Buffer.allocUnsafe(8);
  data.writeBigUInt64BE(BigInt(i));
  return hashLeaf(data);
}

function build(size: number): { store: MemoryNodeStore; seconds: number } {
  const store = new MemoryNodeStore({ expectedLeaves: size });
  const t0 = process.hrtime.bigint();
  for (let start = 0; start < size; start += BATCH) {
    const end = Math.min(size, start + BATCH);
    const batch: Uint8Array[] = new Array(end - start);
    for (let i = start; i < end; i++) batch[i - start] = leafHashOf(i);
    store.append(batch);
  }
  return { store, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

interface Stats {
  median: number;
  p99: number;
}

function stats(ns: number[]): Stats {
  const s = Float64Array.from(ns).sort();
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] / 1000;
  return { median: at(0.5), p99: at(0.99) };
}

/** Time one call in nanoseconds. */
function timed<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t0)];
}

interface Row {
  size: number;
  kind: string;
  gen: Stats;
  verify: Stats;
  readsMean: number;
  readsMax: number;
  proofLenMax: number;
}

function benchSize(size: number): { rows: Row[]; buildSeconds: number; storeMB: number } {
  const { store, seconds } = build(size);
  const rand = prng(size);
  const rows: Row[] = [];

  // Inclusion: random leaf in the tree at its full size (the API's common case).
  {
    const genNs: number[] = [];
    const verNs: number[] = [];
    let reads = 0;
    let readsMax = 0;
    let lenMax = 0;
    const root = store.rootHash(size);
    for (let q = 0; q < QUERIES; q++) {
      const index = Math.floor(rand() * size);
      const r = planInclusion(index, size).coords.length;
      reads += r;
      readsMax = Math.max(readsMax, r);
      const [proof, g] = timed(() => inclusionProofSync(store, index, size));
      genNs.push(g);
      lenMax = Math.max(lenMax, proof.length);
      const leafHash = leafHashOf(index);
      const [res, v] = timed(() => verifyInclusion({ index, treeSize: size, leafHash, proof, rootHash: root }));
      if (!res.ok) throw new Error(`inclusion ${index}/${size} failed to verify`);
      verNs.push(v);
    }
    rows.push({
      size,
      kind: 'inclusion',
      gen: stats(genNs),
      verify: stats(verNs),
      readsMean: reads / QUERIES,
      readsMax,
      proofLenMax: lenMax,
    });
  }

  // Consistency: random 1 <= m <= n <= size (old and new tree heads anywhere in history).
  {
    const genNs: number[] = [];
    const verNs: number[] = [];
    let reads = 0;
    let readsMax = 0;
    let lenMax = 0;
    for (let q = 0; q < QUERIES; q++) {
      let a = 1 + Math.floor(rand() * size);
      let b = 1 + Math.floor(rand() * size);
      if (a > b) [a, b] = [b, a];
      const r = planConsistency(a, b).coords.length;
      reads += r;
      readsMax = Math.max(readsMax, r);
      const [proof, g] = timed(() => consistencyProofSync(store, a, b));
      genNs.push(g);
      lenMax = Math.max(lenMax, proof.length);
      // Roots come from the store outside the timed region (a verifier already has both checkpoints).
      const oldRoot = store.rootHash(a);
      const newRoot = store.rootHash(b);
      const [res, v] = timed(() => verifyConsistency({ oldSize: a, newSize: b, oldRoot, newRoot, proof }));
      if (!res.ok) throw new Error(`consistency ${a}->${b} failed to verify`);
      verNs.push(v);
    }
    rows.push({
      size,
      kind: 'consistency',
      gen: stats(genNs),
      verify: stats(verNs),
      readsMean: reads / QUERIES,
      readsMax,
      proofLenMax: lenMax,
    });
  }
  return { rows, buildSeconds: seconds, storeMB: store.byteLength() / 2 ** 20 };
}

function main(): void {
  const sizes = process.argv.slice(2).map(Number);
  const todo = sizes.length > 0 ? sizes : [1_000, 1_000_000, 10_000_000];
  const started = Date.now();
  console.log('command: cd /work/main && node -r @swc-node/register libs/transparency-log/bench/proof.bench.ts', todo.join(' '));
  console.log(
    `date: ${new Date().toISOString()}  node ${process.version}  ${os.cpus()[0]?.model ?? 'cpu?'} x${os.cpus().length}  ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM  queries per row: ${QUERIES}`,
  );
  const header = ['leaves', 'proof', 'gen median us', 'gen p99 us', 'verify median us', 'verify p99 us', 'reads mean', 'reads max', 'proof len max'];
  const lines: string[][] = [];
  for (const size of todo) {
    const { rows, buildSeconds, storeMB } = benchSize(size);
    console.log(
      `built ${size.toLocaleString('en')} leaves in ${buildSeconds.toFixed(buildSeconds < 1 ? 3 : 1)} s ` +
        `(${Math.round(size / buildSeconds).toLocaleString('en')} leaves/s appended), node store ${storeMB.toFixed(0)} MiB, ` +
        `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    );
    for (const r of rows) {
      lines.push([
        r.size.toLocaleString('en'),
        r.kind,
        r.gen.median.toFixed(1),
        r.gen.p99.toFixed(1),
        r.verify.median.toFixed(1),
        r.verify.p99.toFixed(1),
        r.readsMean.toFixed(1),
        String(r.readsMax),
        String(r.proofLenMax),
      ]);
    }
    if (global.gc) global.gc();
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  console.log();
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main();
