/**
 * How fast the member's verifier checks decisions: a whole system (the app on a throw-away
 * database, like the integration tests' TestSystem) logs N real decision leaves through its
 * LogAppender, signs a checkpoint, then verifyLog runs over HTTP as an auditor (every leaf's
 * hash, inclusion proof, seal and exact replay with the matching library) and as a member
 * (hash, inclusion proof, ranking replay from the public form). Also the per-decision CPU of
 * the leaf checks alone (checkLeaf), without HTTP.
 *
 *   cd /work/main && node -r @swc-node/register tools/verify-log/bench/verify.bench.ts [decisions=2000] [concurrency=8]
 *
 * Needs PostgreSQL and Redis as the integration tests do; the databases it makes are dropped at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { createDataSource, migrate, withDatabase } from '@coop/platform';
import { onServer, testServerUrl } from '@coop/testing';
import { ADMIN, TestSystem } from '../../../apps/server/test/system.harness';
import { CheckpointSigner } from '../../../apps/dispatch/src/audit/checkpoint-signer';
import { LogAppender } from '../../../apps/dispatch/src/audit/log-appender';
import { PolicyService } from '../../../apps/dispatch/src/policy/policy.service';
import { NOW, carDriver, rideRequest } from '../../../libs/matching/src/test-fixtures';
import { ActivatedPolicy, checkLeaf } from '../leaf-checks';
import { verifyLog } from '../verify-log';

const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function main(): Promise<void> {
  const decisions = Number(process.argv[2] ?? 2000);
  const concurrency = Number(process.argv[3] ?? 8);
  // A migrated template for TestSystem (createTestDatabase copies it), as jest's global setup makes.
  const template = `coop_test_verifybench_${randomBytes(3).toString('hex')}`;
  await onServer(`CREATE DATABASE "${template}"`);
  const ds = createDataSource({ url: withDatabase(testServerUrl(), template), poolSize: 2 });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  process.env.COOP_TEST_TEMPLATE = template;
  let system: TestSystem | undefined;
  try {
    system = await TestSystem.start();
    console.log(`${new Date().toISOString()} node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${decisions} decisions, concurrency ${concurrency}`);
    const { version, hash, document } = system.nest.get(PolicyService).inForce();
    const appender = system.nest.get(LogAppender);
    await Promise.all(
      Array.from({ length: decisions }, (_, n) => {
        const supply = new SupplyIndex(document.matching);
        for (let i = 0; i < 5; i++) supply.upsert(carDriver(randomUUID(), 100 + 150 * i + (n % 7)));
        const record = decideImmediate({
          request: rideRequest({ requestId: randomUUID() }),
          supply,
          nowMs: NOW + n,
          policy: document.matching,
          policyRef: { version: String(version), hash },
          fairness: { medianEarningsPerHourMinor: 4000 },
        });
        return appender.appendDecision(record);
      }),
    );
    await system.nest.get(CheckpointSigner).signIfGrown();
    const admin = await system.token(ADMIN.email, ADMIN.password);
    const member = (await system.member('rider')).token;

    for (const [who, token] of [['auditor (seal + exact replay)', admin], ['member (ranking replay)', member]] as const) {
      const t = process.hrtime.bigint();
      const report = await verifyLog({ url: system.url, token, concurrency });
      const s = Number(process.hrtime.bigint() - t) / 1e9;
      if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.failures.slice(0, 3))}`);
      console.log(
        `verify-log as ${who}: ${report.leaves} leaves (${report.replayedFull} replayed in full, ${report.rankingChecked} ranking-checked) in ${s.toFixed(2)} s = ${Math.round(report.leaves / s)} decisions/s, ${((s / report.leaves) * 1000).toFixed(2)} ms each`,
      );
    }

    // The leaf checks alone (no HTTP): what a decision costs the verifier's CPU.
    const page = await system.http('GET', `/v1/audit/decisions?from=0&limit=500`, { token: admin });
    // v3 decisions take their policy from the activation leaves before them (here: leaf 0).
    const activations = new Map<string, ActivatedPolicy>();
    for (const d of page.body.decisions) {
      const activated = d.leaf?.kind === 'policy_activation' ? checkLeaf(d).activation : undefined;
      if (activated) activations.set(String(activated.version), activated);
    }
    for (const full of [false, true]) {
      const times: number[] = [];
      for (const d of page.body.decisions) {
        if (d.leaf?.kind !== 'dispatch_decision') continue;
        const t = process.hrtime.bigint();
        const out = checkLeaf(full ? d : { ...d, disclosure: undefined }, (version) => activations.get(version));
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (out.failures.length) throw new Error(`leaf ${d.index}: ${out.failures.join('; ')}`);
      }
      console.log(`checkLeaf alone, ${full ? 'auditor' : 'member'}: median ${quantile(times, 0.5).toFixed(3)} ms, p99 ${quantile(times, 0.99).toFixed(3)} ms over ${times.length} decisions`);
    }
  } finally {
    await system?.stop();
    await onServer(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
