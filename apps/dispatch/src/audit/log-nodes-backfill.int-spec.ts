import { createDataSource } from '@coop/platform';
import { createTestDatabase } from '@coop/testing';
import { MemoryNodeStore, hashLeaf, rootHash } from '@coop/transparency-log';
import { LogNodesCheckpoints1763900000200 } from '../../../../libs/platform/src/database/migrations/1763900000200-log-nodes-checkpoints';
import { PgNodeStore } from './pg-node-store';

jest.setTimeout(60_000);

describe('migration 1763900000200 on a log that already has leaves', () => {
  it('builds every complete node of the existing leaves, so proofs work for them at once', async () => {
    const { url, drop } = await createTestDatabase();
    const db = createDataSource({ url });
    await db.initialize();
    try {
      const runner = db.createQueryRunner();
      const migration = new LogNodesCheckpoints1763900000200();
      await migration.down(runner);
      const leaves = Array.from({ length: 37 }, (_, i) => hashLeaf(Buffer.from(`{"n":${i}}`)));
      for (const [i, h] of leaves.entries()) {
        await db.query(`INSERT INTO log_leaves (index, kind, body, leaf_hash) VALUES ($1, 'dispatch_decision', $2, $3)`, [
          i, `{"n":${i}}`, Buffer.from(h),
        ]);
      }
      await db.query('UPDATE log_head SET size = $1', [leaves.length]);
      await migration.up(runner);
      await runner.release();

      const memory = new MemoryNodeStore();
      memory.append(leaves);
      const store = new PgNodeStore(db);
      for (let size = 1; size <= leaves.length; size++) {
        expect(Buffer.from(await rootHash(store, size))).toEqual(Buffer.from(memory.rootHash(size)));
      }
      const [{ n }] = await db.query('SELECT count(*) AS n FROM log_nodes');
      expect(Number(n)).toBe(37 + 18 + 9 + 4 + 2 + 1);
    } finally {
      await db.destroy();
      await drop();
    }
  });
});
