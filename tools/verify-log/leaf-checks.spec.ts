import { randomBytes, randomUUID } from 'node:crypto';
import { canonicalBytes } from '@coop/canonical-json';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { defaultPolicy, policyHash } from '@coop/policy';
import { hashLeaf } from '@coop/transparency-log';
import { LEAF_SCHEMA, LEAF_SCHEMA_V2, sealRecord, withPolicyRef } from '../../apps/dispatch/src/audit/log-leaf';
import { pseudonym } from '../../apps/dispatch/src/audit/privacy/pseudonym';
import { redact } from '../../apps/dispatch/src/audit/privacy/redaction';
import { NOW, carDriver, policyWith, rideRequest } from '../../libs/matching/src/test-fixtures';
import { ActivatedPolicy, checkLeaf } from './leaf-checks';

const key = randomBytes(32);

const policy = policyWith();
const POLICY_HASH = 'ef'.repeat(32);
/** The log's activation of version 1, as the verifier indexes it (hash recomputed from the document). */
const activated: ActivatedPolicy = { version: 1, hash: POLICY_HASH, matching: policy };
const policyOf = (version: string) => (version === '1' ? activated : undefined);

/** A v3 decision leaf (policy named by version and hash) and its full record, or v2 (parameters embedded) with `v2`. */
function decisionLeaf(v2 = false) {
  const idx = new SupplyIndex(policy);
  for (const [i, d] of [100, 400, 900].entries()) idx.upsert(carDriver(randomUUID(), d, { idleSinceMs: NOW - 100_000 * (i + 1) }));
  const decided = decideImmediate({
    request: rideRequest({ requestId: randomUUID() }),
    supply: idx,
    nowMs: NOW,
    policy,
    policyRef: { version: '1', hash: POLICY_HASH },
    fairness: { medianEarningsPerHourMinor: 5000 },
  });
  const record = v2 ? decided : withPolicyRef(decided);
  const salt = randomBytes(16);
  const leaf = {
    schema: v2 ? LEAF_SCHEMA_V2 : LEAF_SCHEMA,
    kind: 'dispatch_decision',
    record: redact(record, { pseudonymOf: (id) => pseudonym(key, id), h3Resolution: 7 }) as any,
    privacy: { period: '2026-11', rotation: 'monthly', h3Resolution: 7 },
    sealed: sealRecord(salt, record),
  };
  return { record, salt, leaf };
}

const served = (leaf: unknown, extra: object = {}) => ({
  index: 0,
  leaf,
  leafHash: Buffer.from(hashLeaf(canonicalBytes(leaf))).toString('base64'),
  ...extra,
});

describe('checks on one leaf', () => {
  it('passes an honest decision, publicly (ranking) and for an auditor (exact replay), with the policy from its activation', () => {
    const { record, salt, leaf } = decisionLeaf();
    expect(record.candidates.length).toBe(3);
    expect(leaf.record.policy).toEqual({ version: '1', hash: POLICY_HASH });
    expect(checkLeaf(served(leaf), policyOf)).toMatchObject({ failures: [], replayed: 'ranking' });
    const audited = checkLeaf(served(leaf, { disclosure: { salt: salt.toString('base64'), record } }), policyOf);
    expect(audited).toMatchObject({ failures: [], replayed: 'full' });
  });

  it('still checks a v2 decision, which embeds its parameters, without any activation', () => {
    const { record, salt, leaf } = decisionLeaf(true);
    expect(leaf.record.policy.matching).toEqual(policy);
    expect(checkLeaf(served(leaf))).toMatchObject({ failures: [], replayed: 'ranking', policyRef: { version: '1', matching: policy } });
    expect(checkLeaf(served(leaf, { disclosure: { salt: salt.toString('base64'), record } }))).toMatchObject({ failures: [], replayed: 'full' });
  });

  it('fails a v3 decision whose policy the log did not activate before it, or activated with another hash', () => {
    const { record, salt, leaf } = decisionLeaf();
    const disclosure = { salt: salt.toString('base64'), record };
    expect(checkLeaf(served(leaf)).failures).toEqual(['policy: the decision names policy version 1, which the log did not activate before it']);
    expect(checkLeaf(served(leaf, { disclosure })).failures).toEqual(['policy: the decision names policy version 1, which the log did not activate before it']);
    const other = { ...activated, hash: '00'.repeat(32) };
    expect(checkLeaf(served(leaf), () => other).failures).toEqual([
      `policy: the decision names policy 1 with hash ${POLICY_HASH}, the log activated ${'00'.repeat(32)}`,
    ]);
  });

  it('checks a v3 decision against the activated parameters, not any it could carry', () => {
    const { leaf } = decisionLeaf();
    // Other weights in the activation: the recorded term points no longer give the recorded scores.
    const weights = Object.fromEntries(Object.entries(policy.weights).map(([k, w]) => [k, (w as number) + 1]));
    const reweighted = { ...activated, matching: { ...policy, weights } };
    expect(checkLeaf(served(leaf), () => reweighted).failures).toEqual(
      expect.arrayContaining(["candidate 0: score is not the policy's weighted sum"]),
    );
  });

  it('catches, on the public record alone, an offer that did not go to the best candidate, or a score that does not follow the policy', () => {
    const { leaf } = decisionLeaf();
    const wrongChoice = JSON.parse(JSON.stringify(leaf));
    wrongChoice.record.choice = { driverId: leaf.record.candidates[1].driverId, score: leaf.record.candidates[1].score };
    expect(checkLeaf(served(wrongChoice), policyOf).failures).toEqual(['choice: the offer did not go to the best-ranked candidate']);

    const inflated = JSON.parse(JSON.stringify(leaf));
    inflated.record.candidates[2].score += 1_000_000;
    expect(checkLeaf(served(inflated), policyOf).failures).toEqual(
      expect.arrayContaining(["candidate 2: score is not the policy's weighted sum", 'candidate 2: ranked above a better candidate']),
    );
  });

  it('catches a served hash that is not the leaf, a full record that is not the sealed one, and a public record that differs from it', () => {
    const { record, salt, leaf } = decisionLeaf();
    expect(checkLeaf({ ...served(leaf), leafHash: Buffer.alloc(32).toString('base64') }, policyOf).failures).toEqual([
      'leaf hash: SHA-256(0x00 || canonical leaf) differs from the served leafHash',
    ]);
    const other = { ...record, nowMs: record.nowMs + 1 };
    expect(checkLeaf(served(leaf, { disclosure: { salt: salt.toString('base64'), record: other } }), policyOf).failures).toEqual([
      'disclosure: the full record does not match the commitment sealed in the leaf',
    ]);
    const moved = JSON.parse(JSON.stringify(leaf));
    moved.record.drivers[0].position = { cell: '872b8e2dcffffff' };
    expect(checkLeaf(served(moved, { disclosure: { salt: salt.toString('base64'), record } }), policyOf).failures).toEqual([
      'disclosure: the public record differs from the sealed full record at record.drivers[0].position',
    ]);
  });

  it('checks that a policy activation names the hash of its document', () => {
    const record = { version: 1, hash: policyHash(defaultPolicy), effectiveAt: '-infinity', document: defaultPolicy };
    const leaf = { schema: LEAF_SCHEMA, kind: 'policy_activation', record };
    expect(checkLeaf(served(leaf))).toMatchObject({ failures: [], activation: { version: 1, hash: record.hash } });
    const forged = { ...leaf, record: { ...record, hash: '00'.repeat(32) } };
    expect(checkLeaf(served(forged)).failures).toEqual(['policy activation: hash is not SHA-256 of the canonical document']);
  });

  it('never throws on malformed leaves', () => {
    for (const leaf of [{}, { kind: 'dispatch_decision', record: 3 }, { kind: 'x', record: {} }, [1, 2], 'text']) {
      expect(checkLeaf(served(leaf)).failures.length).toBeGreaterThan(0);
    }
  });
});
