import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { Metrics, SecretStore, SystemClock, createDataSource, loadConfig } from '@coop/platform';
import { createTestDatabase } from '@coop/testing';
import {
  MemoryNodeStore,
  checkCheckpointConsistency,
  consistencyProof,
  consistencyProofSync,
  inclusionProof,
  inclusionProofSync,
  parseCheckpointBody,
  privateKeyToBase64,
  publicKeyFromBase64,
  rootHash,
  verifyCheckpoint,
} from '@coop/transparency-log';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../libs/matching/src/test-fixtures';
import { PolicyRepository } from '../policy/policy.repository';
import { PolicyService } from '../policy/policy.service';
import { CheckpointRefused, CheckpointSigner } from './checkpoint-signer';
import { CheckpointsRepository } from './checkpoints.repository';
import { DecisionLogRepository } from './decision-log.repository';
import { LogLeafBuilder } from './log-leaf.builder';
import { LogSigningKey } from './log-signing-key';
import { PgNodeStore, Queryable } from './pg-node-store';
import { PseudonymKeys } from './pseudonym-keys';

jest.setTimeout(60_000);

/** One "app instance": its own connection pool and its own copies of the log's services. */
async function instance(url: string, key: string) {
  const db = createDataSource({ url, poolSize: 6 });
  await db.initialize();
  const policy = new PolicyService(new PolicyRepository(db));
  await policy.ready();
  const log = new DecisionLogRepository(new LogLeafBuilder(policy, new PseudonymKeys(new SecretStore(db))));
  const signingKey = await LogSigningKey.load(loadConfig({ AUDIT_SIGNING_KEY: key }), new SecretStore(db));
  const signer = new CheckpointSigner(db, new CheckpointsRepository(), signingKey, new SystemClock(), new Metrics());
  return { db, log, signer, signingKey };
}

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

async function leafHashes(db: DataSource): Promise<Uint8Array[]> {
  const rows: { index: string; leaf_hash: Buffer }[] = await db.query('SELECT index, leaf_hash FROM log_leaves ORDER BY index');
  rows.forEach((r, i) => expect(Number(r.index)).toBe(i));
  return rows.map((r) => new Uint8Array(r.leaf_hash));
}

/** Counts queries, to show a proof is one read. */
class Counting implements Queryable {
  queries = 0;
  constructor(private readonly inner: Queryable) {}
  query(sql: string, params?: unknown[]) {
    this.queries++;
    return this.inner.query(sql, params);
  }
}

describe('transparency log in PostgreSQL', () => {
  let drop: () => Promise<void>;
  let url: string;
  const seed = privateKeyToBase64(generateKeyPairSync('ed25519').privateKey);
  let a: Awaited<ReturnType<typeof instance>>;
  let b: Awaited<ReturnType<typeof instance>>;

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
    a = await instance(url, seed);
    b = await instance(url, seed);
  });
  afterAll(async () => {
    await a?.db.destroy();
    await b?.db.destroy();
    await drop?.();
  });

  it('stores nodes with each append so that roots and proofs equal the in-memory tree, one read each', async () => {
    for (let n = 0; n < 45; n++) await a.db.transaction((tx) => a.log.append(tx, 'dispatch_decision', decision(n)));
    const memory = new MemoryNodeStore();
    memory.append(await leafHashes(a.db));
    const counting = new Counting(a.db);
    const store = new PgNodeStore(counting);
    for (let size = 1; size <= memory.size; size++) {
      expect(Buffer.from(await rootHash(store, size))).toEqual(Buffer.from(memory.rootHash(size)));
      for (const index of [0, size >> 1, size - 1]) {
        const before = counting.queries;
        const proof = await inclusionProof(store, index, size);
        expect(counting.queries - before).toBeLessThanOrEqual(1);
        expect(proof.map((p) => Buffer.from(p))).toEqual(inclusionProofSync(memory, index, size).map((p) => Buffer.from(p)));
      }
      for (const old of [1, size >> 1, size - 1].filter((m) => m >= 1)) {
        expect((await consistencyProof(store, old, size)).map((p) => Buffer.from(p))).toEqual(
          consistencyProofSync(memory, old, size).map((p) => Buffer.from(p)),
        );
      }
    }
    const rows: { n: string }[] = await a.db.query('SELECT count(*) AS n FROM log_nodes');
    expect(Number(rows[0].n)).toBe(45 + 22 + 11 + 5 + 2 + 1); // floor(45 / 2^L) per level
  });

  it('keeps one contiguous order under concurrent appends from two instances, and every checkpoint signed meanwhile is consistent', async () => {
    const start = (await leafHashes(a.db)).length;
    const appendMany = (inst: typeof a, count: number, offset: number) =>
      Promise.all(
        Array.from({ length: 4 }, async (_, lane) => {
          for (let i = lane; i < count; i += 4) {
            await inst.db.transaction((tx) => inst.log.append(tx, 'dispatch_decision', decision(offset + i)));
          }
        }),
      );
    let signing = true;
    const signLoop = async (inst: typeof a) => {
      while (signing) {
        await inst.signer.signIfGrown();
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const signers = [signLoop(a), signLoop(b)];
    await Promise.all([appendMany(a, 60, 1000), appendMany(b, 60, 2000)]);
    signing = false;
    await Promise.all(signers);
    await a.signer.signIfGrown();

    const hashes = await leafHashes(a.db);
    expect(hashes).toHaveLength(start + 120);
    const memory = new MemoryNodeStore();
    memory.append(hashes);

    const checkpoints: { body: string; signature: string }[] = await a.db.query('SELECT body, signature FROM log_checkpoints ORDER BY tree_size');
    expect(checkpoints.length).toBeGreaterThan(2);
    const publicKey = publicKeyFromBase64(a.signingKey.publicKeyBase64);
    const parsed = checkpoints.map((c) => {
      expect(verifyCheckpoint(c.body, c.signature, publicKey)).toBe(true);
      return parseCheckpointBody(c.body);
    });
    expect(parsed[parsed.length - 1].treeSize).toBe(hashes.length);
    for (const cp of parsed) expect(Buffer.from(cp.rootHash)).toEqual(Buffer.from(memory.rootHash(cp.treeSize)));
    for (let i = 1; i < parsed.length; i++) {
      const older = parsed[i - 1];
      const proof = older.treeSize > 0 ? consistencyProofSync(memory, older.treeSize, parsed[i].treeSize) : [];
      expect(checkCheckpointConsistency(older, parsed[i], proof)).toEqual({ ok: true });
    }
  });

  it('refuses to sign a tree head that does not extend the last one (a rewritten node)', async () => {
    await a.signer.signIfGrown();
    const [{ size }] = await a.db.query('SELECT size FROM log_head');
    const target = Number(size) - 1;
    await a.db.query('ALTER TABLE log_nodes DISABLE TRIGGER log_nodes_append_only');
    await a.db.query(`UPDATE log_nodes SET hash = sha256(hash) WHERE level = 0 AND index = $1`, [target]);
    await a.db.query('ALTER TABLE log_nodes ENABLE TRIGGER log_nodes_append_only');
    await a.db.transaction((tx) => a.log.append(tx, 'dispatch_decision', decision(9999)));
    const before: unknown[] = await a.db.query('SELECT tree_size FROM log_checkpoints');
    await expect(a.signer.signIfGrown()).rejects.toBeInstanceOf(CheckpointRefused);
    expect(await a.db.query('SELECT tree_size FROM log_checkpoints')).toHaveLength(before.length);
  });

  it('refuses UPDATE and DELETE on nodes, checkpoints and disclosures', async () => {
    for (const table of ['log_nodes', 'log_checkpoints', 'log_leaf_disclosures']) {
      await expect(a.db.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
    }
  });
});
