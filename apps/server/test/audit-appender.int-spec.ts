import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import {
  MemoryNodeStore,
  checkCheckpointConsistency,
  consistencyProof,
  parseCheckpointBody,
  publicKeyFromBase64,
  rootHash,
  verifyCheckpoint,
} from '@coop/transparency-log';
import { NOW, carDriver, policyWith, rideRequest } from '../../../libs/matching/src/test-fixtures';
import { CheckpointSigner } from '../../dispatch/src/audit/checkpoint-signer';
import { LogAppendFailed, LogAppender } from '../../dispatch/src/audit/log-appender';
import { PgNodeStore } from '../../dispatch/src/audit/pg-node-store';
import { DispatchService } from '../../dispatch/src/offers/dispatch.service';
import { TestSystem, area, near } from './system.harness';

jest.setTimeout(180_000);

function decision(n: number) {
  const policy = policyWith();
  const idx = new SupplyIndex(policy);
  idx.upsert(carDriver(randomUUID(), 100 + n));
  idx.upsert(carDriver(randomUUID(), 700));
  return decideImmediate({
    request: rideRequest({ requestId: randomUUID() }),
    supply: idx,
    nowMs: NOW + n,
    policy,
    policyRef: { version: '1', hash: 'cd'.repeat(32) },
    fairness: { medianEarningsPerHourMinor: 0 },
  });
}

/**
 * The group-commit appender of two app instances of one deployment: many leaves from both at
 * once end up as one contiguous log, each caller told its own index, checkpoints consistent;
 * and a batch that fails to commit resolves none of its callers, so no offer is made on it.
 */
describe('the log appender (group commit) across two app instances', () => {
  let nodeA: TestSystem;
  let nodeB: TestSystem;

  beforeAll(async () => {
    nodeA = await TestSystem.start();
    nodeB = await nodeA.peer();
  });
  afterAll(async () => {
    await nodeB?.crash();
    await nodeA?.stop();
  });

  it('appends concurrently from both into one contiguous order, every index returned once, checkpoints consistent', async () => {
    const PER_NODE = 150;
    const appenders = [nodeA.nest.get(LogAppender), nodeB.nest.get(LogAppender)];
    const before = appenders.map((a) => a.committed.batches);
    const signers = [nodeA.nest.get(CheckpointSigner), nodeB.nest.get(CheckpointSigner)];
    const asked = new Map<number, string>();
    for (let round = 0; round < 2; round++) {
      // Each append names a trip id of its own, so the stored leaf can be traced to its caller.
      const calls = appenders.flatMap((appender, node) =>
        Array.from({ length: PER_NODE }, (_, i) => {
          const tripId = randomUUID();
          return appender.appendDecision(decision(round * 1000 + node * PER_NODE + i), tripId).then((index) => ({ index, tripId }));
        }),
      );
      for (const { index, tripId } of await Promise.all(calls)) {
        expect(asked.has(index)).toBe(false);
        asked.set(index, tripId);
      }
      await signers[round].signIfGrown();
    }
    expect(asked.size).toBe(4 * PER_NODE);
    // Grouped: far fewer transactions than leaves (each batch is one transaction).
    const batches = appenders.reduce((sum, a, k) => sum + a.committed.batches - before[k], 0);
    expect(batches).toBeLessThan(asked.size);

    const leaves = await nodeA.sql<{ index: string; trip_id: string | null; leaf_hash: Buffer }>(
      'SELECT index, trip_id, leaf_hash FROM log_leaves ORDER BY index',
    );
    expect(leaves.map((l) => Number(l.index))).toEqual([...leaves.keys()]);
    for (const [index, tripId] of asked) expect(leaves[index].trip_id).toBe(tripId);
    const disclosed = await nodeA.sql<{ n: string }>('SELECT count(*) AS n FROM log_leaf_disclosures WHERE index = ANY($1)', [[...asked.keys()]]);
    expect(Number(disclosed[0].n)).toBe(asked.size);

    // The stored nodes give the root of the leaves, and every signed checkpoint extends the last.
    const memory = new MemoryNodeStore();
    memory.append(leaves.map((l) => new Uint8Array(l.leaf_hash)));
    const store = new PgNodeStore(nodeA.nest.get(DataSource));
    expect(Buffer.from(await rootHash(store, leaves.length))).toEqual(Buffer.from(memory.rootHash()));
    const publicKey = publicKeyFromBase64((await nodeA.http('GET', '/v1/audit/public-key')).body.publicKey);
    const signed = await nodeA.sql<{ body: string; signature: string }>('SELECT body, signature FROM log_checkpoints ORDER BY tree_size');
    expect(parseCheckpointBody(signed[signed.length - 1].body).treeSize).toBe(leaves.length);
    for (let i = 0; i < signed.length; i++) {
      expect(verifyCheckpoint(signed[i].body, signed[i].signature, publicKey)).toBe(true);
      if (i === 0) continue;
      const [older, newer] = [parseCheckpointBody(signed[i - 1].body), parseCheckpointBody(signed[i].body)];
      const proof = older.treeSize > 0 ? await consistencyProof(store, older.treeSize, newer.treeSize) : [];
      expect(checkCheckpointConsistency(older, newer, proof)).toEqual({ ok: true });
      expect(Buffer.from(newer.rootHash)).toEqual(Buffer.from(memory.rootHash(newer.treeSize)));
    }
  });

  it('resolves none of the callers of a batch that fails to commit, and makes no offer on it', async () => {
    // A deferred constraint trigger fails the COMMIT of any transaction that added a leaf while
    // armed: the batch gets as far as it can before failing, as on a lost connection at commit.
    await nodeA.sql(`CREATE TABLE test_fail_log_commit (armed boolean)`);
    await nodeA.sql(`CREATE FUNCTION test_fail_log_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM test_fail_log_commit) THEN RAISE EXCEPTION 'simulated commit failure'; END IF;
        RETURN NULL;
      END $$`);
    await nodeA.sql(`CREATE CONSTRAINT TRIGGER test_fail_log_commit AFTER INSERT ON log_leaves
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_log_commit()`);
    const appender = nodeA.nest.get(LogAppender);
    const driver = await nodeA.onlineDriver(area(21));
    const head = async () => Number((await nodeA.sql<{ size: string }>('SELECT size FROM log_head'))[0].size);

    await nodeA.sql(`INSERT INTO test_fail_log_commit VALUES (true)`);
    const sizeBefore = await head();
    const failedBefore = appender.committed.failedBatches;
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => appender.appendDecision(decision(5000 + n), randomUUID())));
    expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill('rejected'));
    for (const o of outcomes) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(LogAppendFailed);
    expect(appender.committed.failedBatches).toBeGreaterThan(failedBefore);

    // A dispatch step whose decision is in a failing batch throws and writes no offer.
    const { tripId } = await nodeA.requestTrip(undefined, area(21), near(area(21)));
    await expect(nodeA.nest.get(DispatchService).dispatch(tripId)).rejects.toBeInstanceOf(LogAppendFailed);
    expect(await nodeA.offers(tripId)).toEqual([]);
    expect(await nodeA.tripStatus(tripId)).toBe('requested');
    expect(await head()).toBe(sizeBefore);
    expect(await nodeA.sql(`SELECT 1 FROM log_leaves WHERE trip_id = $1`, [tripId])).toEqual([]);

    // Disarmed, the same appender and the sweeper carry on: the offer comes, pointing at its decision.
    await nodeA.sql(`DELETE FROM test_fail_log_commit`);
    const offer = await nodeA.pendingOffer(tripId, 1, 30_000);
    expect(offer.driverId).toBe(driver.memberId);
    const [pointer] = await nodeA.sql<{ trip_id: string }>(
      `SELECT l.trip_id FROM offers o JOIN log_leaves l ON l.index = o.decision_index WHERE o.id = $1`,
      [offer.id],
    );
    expect(pointer.trip_id).toBe(tripId);
    const leaves = await nodeA.sql<{ index: string }>('SELECT index FROM log_leaves ORDER BY index');
    expect(leaves.map((l) => Number(l.index))).toEqual([...leaves.keys()]);
  });
});
