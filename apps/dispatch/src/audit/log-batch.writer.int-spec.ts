import { DataSource } from 'typeorm';
import { Metrics, createDataSource } from '@coop/platform';
import { createTestDatabase } from '@coop/testing';
import { MemoryNodeStore, hashLeaf, rootHash } from '@coop/transparency-log';
import { LogAppender } from './log-appender';
import { LogBatchWriter, LogEntry } from './log-batch.writer';
import { LogLeafBuilder } from './log-leaf.builder';
import { PgNodeStore } from './pg-node-store';

jest.setTimeout(120_000);

/** A small policy-activation-like entry whose text names `n` (so every leaf is distinct). */
function entry(n: number): LogEntry {
  const body = `{"kind":"test","n":${n}}`;
  return { kind: 'policy_activation', body, leafHash: hashLeaf(Buffer.from(body)), tripId: null };
}

/** Leaves in index order, contiguous, and the root from log_nodes equal to the root of the leaves. */
async function expectSoundTree(db: DataSource): Promise<string[]> {
  const rows: { index: string; body: string; leaf_hash: Buffer }[] = await db.query('SELECT index, body, leaf_hash FROM log_leaves ORDER BY index');
  rows.forEach((r, i) => expect(Number(r.index)).toBe(i));
  const memory = new MemoryNodeStore();
  memory.append(rows.map((r) => new Uint8Array(r.leaf_hash)));
  expect(Buffer.from(await rootHash(new PgNodeStore(db), rows.length))).toEqual(Buffer.from(memory.rootHash()));
  const [{ size, root }] = await db.query('SELECT size, root FROM log_head');
  expect(Number(size)).toBe(rows.length);
  expect(Buffer.from(root)).toEqual(Buffer.from(memory.rootHash()));
  return rows.map((r) => r.body);
}

/**
 * The single-statement append (LogBatchWriter.prepare + tryAppend) stores nothing unless
 * log_head still holds the tree it was computed on, and the appender falls back to the locked
 * way when another writer got there first: the log stays contiguous and its nodes right.
 */
describe('single-statement log appends', () => {
  let db: DataSource;
  let drop: () => Promise<void>;
  const writer = new LogBatchWriter();

  beforeEach(async () => {
    ({ drop } = await (async () => {
      const t = await createTestDatabase();
      db = createDataSource({ url: t.url, poolSize: 4 });
      await db.initialize();
      return t;
    })());
  });
  afterEach(async () => {
    await db.destroy();
    await drop();
  });

  it('stores a batch on the tree it was computed on, and nothing on a tree of the same size with another root', async () => {
    const first = await db.transaction((tx) => writer.writeLocked(tx, [entry(0), entry(1), entry(2)]));
    const stale = writer.prepare(first.after, [entry(10), entry(11)]);

    // Another writer appends two other leaves first: the size the stale batch would have left.
    const other = writer.prepare(first.after, [entry(20), entry(21)]);
    expect(await writer.tryAppend(db, other)).toBe(true);
    expect(await writer.tryAppend(db, stale)).toBe(false);

    // Chained on the stale batch, which never committed: log_head has its size (5) but another root.
    const chained = writer.prepare(stale.after, [entry(30)]);
    expect(chained.at.size).toBe(5);
    expect(await writer.tryAppend(db, chained)).toBe(false);

    expect(await writer.tryAppend(db, writer.prepare(other.after, [entry(40)]))).toBe(true);
    expect(await expectSoundTree(db)).toEqual([0, 1, 2, 20, 21, 40].map((n) => entry(n).body));
  });

  it('a log_head without a root (set by an older writer) never matches; the locked way sets it', async () => {
    await db.query('UPDATE log_head SET root = NULL');
    const tip = { size: 0, root: new Uint8Array(32), edge: [] };
    expect(await writer.tryAppend(db, writer.prepare(tip, [entry(0)]))).toBe(false);
    await db.transaction((tx) => writer.writeLocked(tx, [entry(1)]));
    await expectSoundTree(db);
  });

  for (const depth of [1, 2]) {
    it(`appender with ${depth} in flight: falls back when another writer appends between its batches, every index once`, async () => {
      // No back-off: every batch tries the one statement first (the back-off has its own test).
      const log = new LogAppender(db, {} as LogLeafBuilder, new Metrics(), { depth, singleStatement: true, contendedBackoffMs: 0 });
      const indices: Promise<number>[] = [];
      let n = 0;
      for (let round = 0; round < 12; round++) {
        for (let k = 0; k < 1 + (round % 5); k++) indices.push(log.enqueue(entry(n++)));
        // Another process's append (a policy activation's way) lands between some batches.
        if (round % 3 === 1) await db.transaction((tx) => writer.write(tx, [entry(1000 + round)]));
        await new Promise((r) => setImmediate(r));
      }
      // Then three appends one at a time with no foreign writer: on a loaded machine the rounds
      // above can merge into a few batches that each follow a foreign append (all locked), so
      // these make sure the appender goes back to the one statement once the tree is known.
      for (let k = 0; k < 3; k++) {
        const index = log.enqueue(entry(n++));
        indices.push(index);
        await index;
      }
      const got = await Promise.all(indices);
      await log.flush();
      expect(new Set(got).size).toBe(n);
      const bodies = await expectSoundTree(db);
      got.forEach((index, k) => expect(bodies[index]).toBe(entry(k).body));
      expect(log.committed.failedBatches).toBe(0);
      expect(log.committed.lockedBatches).toBeGreaterThan(0);
      // Most batches took the one statement: the locked way only at the start and after a foreign append.
      expect(log.committed.lockedBatches).toBeLessThan(log.committed.batches);
    });
  }

  it('after another writer appends, keeps to the locked way for the back-off, then goes back to the one statement', async () => {
    const log = new LogAppender(db, {} as LogLeafBuilder, new Metrics(), { depth: 2, singleStatement: true, contendedBackoffMs: 400 });
    await log.enqueue(entry(0)); // the tree is unknown: the locked way, which learns it
    await log.enqueue(entry(1)); // the one statement
    expect(log.committed).toMatchObject({ batches: 2, lockedBatches: 1 });
    await db.transaction((tx) => writer.write(tx, [entry(100)]));
    await log.enqueue(entry(2)); // its statement misses: the locked way, and the back-off starts
    await log.enqueue(entry(3));
    await log.enqueue(entry(4));
    expect(log.committed).toMatchObject({ batches: 5, lockedBatches: 4 });
    await new Promise((r) => setTimeout(r, 450));
    await log.enqueue(entry(5)); // the back-off is over: the locked way learns the tree again
    await log.enqueue(entry(6)); // and the next batch is the one statement
    expect(log.committed).toMatchObject({ batches: 7, lockedBatches: 5, failedBatches: 0 });
    expect(await expectSoundTree(db)).toEqual([0, 1, 100, 2, 3, 4, 5, 6].map((n) => entry(n).body));
  });
});
