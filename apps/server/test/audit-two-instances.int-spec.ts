import {
  checkCheckpointConsistency,
  consistencyProof,
  parseCheckpointBody,
  publicKeyFromBase64,
  verifyCheckpoint,
} from '@coop/transparency-log';
import { DataSource } from 'typeorm';
import { PgNodeStore } from '../../dispatch/src/audit/pg-node-store';
import { verifyLog } from '../../../tools/verify-log/verify-log';
import { ADMIN, TestSystem, area, near } from './system.harness';

jest.setTimeout(180_000);

/**
 * Two processes of one deployment append decisions concurrently and each runs the checkpoint
 * job: the log keeps one contiguous order, both sign with the same key, and every signed
 * checkpoint extends the one before.
 */
describe('the dispatch log across two app instances', () => {
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

  it('keeps one contiguous order and consistent checkpoints under concurrent dispatch from both', async () => {
    const areas = [11, 12, 13, 14, 15, 16];
    await Promise.all(areas.map((n, i) => (i % 2 ? nodeB : nodeA).onlineDriver(area(n))));
    const trips = await Promise.all(areas.map((n, i) => (i % 2 ? nodeA : nodeB).requestTrip(undefined, area(n), near(area(n)))));
    await Promise.all(trips.map(({ tripId }) => nodeA.pendingOffer(tripId)));

    const leaves = await nodeA.sql<{ index: string; trip_id: string | null }>('SELECT index, trip_id FROM log_leaves ORDER BY index');
    expect(leaves.map((l) => Number(l.index))).toEqual([...leaves.keys()]);
    for (const { tripId } of trips) expect(leaves.filter((l) => l.trip_id === tripId)).toHaveLength(1);

    await nodeA.until(async () => {
      const cp = (await nodeB.http('GET', '/v1/audit/checkpoint')).body;
      return cp.treeSize === leaves.length;
    }, 15_000);
    const [keyA, keyB] = [(await nodeA.http('GET', '/v1/audit/public-key')).body, (await nodeB.http('GET', '/v1/audit/public-key')).body];
    expect(keyB).toEqual(keyA);
    const publicKey = publicKeyFromBase64(keyA.publicKey);

    const signed = await nodeA.sql<{ body: string; signature: string }>('SELECT body, signature FROM log_checkpoints ORDER BY tree_size');
    expect(signed.length).toBeGreaterThanOrEqual(2);
    const store = new PgNodeStore(nodeA.nest.get(DataSource));
    for (let i = 0; i < signed.length; i++) {
      expect(verifyCheckpoint(signed[i].body, signed[i].signature, publicKey)).toBe(true);
      if (i === 0) continue;
      const [older, newer] = [parseCheckpointBody(signed[i - 1].body), parseCheckpointBody(signed[i].body)];
      const proof = older.treeSize > 0 ? await consistencyProof(store, older.treeSize, newer.treeSize) : [];
      expect(checkCheckpointConsistency(older, newer, proof)).toEqual({ ok: true });
    }

    const admin = await nodeB.token(ADMIN.email, ADMIN.password);
    const report = await verifyLog({ url: nodeB.url, token: admin });
    expect(report.failures).toEqual([]);
    expect(report.replayedFull).toBe(trips.length);
  });
});
