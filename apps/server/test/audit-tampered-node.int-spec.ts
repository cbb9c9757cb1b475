import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { planInclusion } from '@coop/transparency-log';
import { NOW, carDriver, rideRequest } from '../../../libs/matching/src/test-fixtures';
import { verifyLog } from '../../../tools/verify-log/verify-log';
import { CheckpointSigner } from '../../dispatch/src/audit/checkpoint-signer';
import { LogAppender } from '../../dispatch/src/audit/log-appender';
import { PolicyService } from '../../dispatch/src/policy/policy.service';
import { ADMIN, TestSystem } from './system.harness';

jest.setTimeout(120_000);

/**
 * Issue 4's tamper test for a Merkle node (audit.int-spec.ts tampers with a leaf, and
 * transparency-log.int-spec.ts shows the signer refusing a rewritten node its consistency proof
 * reads): a stored node rewritten in the database makes the inclusion proofs served from it fail
 * in the member's verifier, naming exactly those leaves, while the leaves still hash to the
 * signed root (no root failure: the verifier pins it on the proofs, not on the leaves).
 */
describe('the verifier against a tampered Merkle node', () => {
  let system: TestSystem;
  let dir: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    dir = await mkdtemp(join(tmpdir(), 'verify-node-'));
  });
  afterAll(async () => {
    await system?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function logDecisions(count: number): Promise<void> {
    const { version, hash, document } = system.nest.get(PolicyService).inForce();
    await Promise.all(
      Array.from({ length: count }, (_, n) => {
        const supply = new SupplyIndex(document.matching);
        supply.upsert(carDriver(randomUUID(), 100 + n));
        supply.upsert(carDriver(randomUUID(), 600));
        const record = decideImmediate({
          request: rideRequest({ requestId: randomUUID() }),
          supply,
          nowMs: NOW + n,
          policy: document.matching,
          policyRef: { version: String(version), hash },
          fairness: { medianEarningsPerHourMinor: 0 },
        });
        return system.nest.get(LogAppender).appendDecision(record);
      }),
    );
  }

  it('names the leaves whose inclusion proofs go through the rewritten node', async () => {
    const admin = await system.token(ADMIN.email, ADMIN.password);
    const state = join(dir, 'state.json');
    await logDecisions(14);
    await system.nest.get(CheckpointSigner).signIfGrown();
    const healthy = await verifyLog({ url: system.url, token: admin, statePath: state });
    expect(healthy.failures).toEqual([]);
    const size = healthy.treeSize!;
    expect(size).toBeGreaterThanOrEqual(14);

    // Node (1, 2) is the hash of leaves 4 and 5.
    await system.sql('ALTER TABLE log_nodes DISABLE TRIGGER log_nodes_append_only');
    await system.sql(`UPDATE log_nodes SET hash = sha256(hash) WHERE level = 1 AND index = 2`);
    await system.sql('ALTER TABLE log_nodes ENABLE TRIGGER log_nodes_append_only');

    // The log grows and is signed again: the nodes the append and the consistency proof read
    // (whole subtrees above the rewritten one) are intact, so the tree itself is still sound.
    await logDecisions(3);
    await system.nest.get(CheckpointSigner).signIfGrown();

    const report = await verifyLog({ url: system.url, token: admin, statePath: state });
    expect(report.ok).toBe(false);
    const grown = report.treeSize!;
    expect(grown).toBeGreaterThan(size);
    const through = Array.from({ length: grown }, (_, i) => i).filter((i) =>
      planInclusion(i, grown).coords.some((c) => c.level === 1 && c.index === 2),
    );
    expect(through.length).toBeGreaterThan(0);
    expect(report.failures).toEqual(through.map((index) => ({ index, what: expect.stringMatching(/^inclusion proof does not verify/) })));
  });
});
