/**
 * CPU per decision leaf built in the process, the old way and the new side by side in one run
 * (the ways take turns in short rounds, so a shared machine's load moves them together):
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/leaf-build.bench.ts [rounds=15]
 *
 * Records: the append bench's (immediate decisions over 5 drivers, test fixtures), 256 of them
 * cycled. A "leaf" is what LogAppender.appendDecision does before queueing: build the leaf and
 * its disclosure, then logEntry (UTF-8 and the leaf hash). Rows:
 * - reference: the builder as it was (randomBytes salt, canonicalize the full record, redact a
 *   deep copy, seal, canonicalize the leaf object, with the reference RFC 8785 writer);
 * - LogLeafBuilder.decision: what the app runs now (one walk for both texts, pooled salts, the
 *   pseudonym cache, which the 256 cycled records hit for every id after the first cycle);
 * - the same without the cache or the salt pool (every id's HMAC computed, as for a decision
 *   whose drivers and trip this process has not seen this period);
 * - the serializer alone on the full records: canonicalizeReference against canonicalize.
 * CPU is process.cpuUsage (user + system, every thread: GC included), per leaf; the best and
 * the median round are printed. Before timing, every record's new leaf and disclosure are
 * checked byte-identical to the reference's for the same salt.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { canonicalize, canonicalizeReference } from '@coop/canonical-json';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { hashLeaf, hashLeafText } from '@coop/transparency-log';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../../libs/matching/src/test-fixtures';
import { decisionLeafTexts } from '../decision-leaf';
import { referenceDecisionLeafTexts } from '../decision-leaf.reference';
import { logEntry } from '../log-batch.writer';
import { LeafPrivacy, withPolicyRef } from '../log-leaf';
import { LogLeafBuilder } from '../log-leaf.builder';
import { pseudonym } from '../privacy/pseudonym';

function decision(n: number) {
  const policy = policyWith();
  const idx = new SupplyIndex(policy);
  for (let i = 0; i < 5; i++) idx.upsert(carDriver(randomUUID(), 100 + 150 * i + (n % 7)));
  return decideImmediate({
    request: rideRequest({ requestId: randomUUID() }),
    supply: idx,
    nowMs: NOW + n,
    policy,
    policyRef: { version: '1', hash: 'ab'.repeat(32) },
    fairness: { medianEarningsPerHourMinor: 4000 },
  });
}

const key = Buffer.alloc(32, 7);
const privacy: LeafPrivacy = { period: '2026-11', rotation: 'monthly', h3Resolution: 7 };
/** One HMAC per distinct id in a record, as the builder has always done. */
const perRecordPseudonyms = () => {
  const seen = new Map<string, string>();
  return (id: string) => {
    let p = seen.get(id);
    if (p === undefined) seen.set(id, (p = pseudonym(key, id)));
    return p;
  };
};

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 15);
  const records = Array.from({ length: 256 }, (_, i) => decision(i));
  const refs = records.map(withPolicyRef);
  const policies = { version: async () => undefined, inForce: () => ({ document: { privacy: { pseudonymRotation: 'monthly', publicH3Resolution: 7 } } }) };
  const builder = new LogLeafBuilder(policies as never, { keyFor: async () => key } as never);

  for (const r of refs) {
    const salt = randomBytes(16);
    const rules = { pseudonymOf: perRecordPseudonyms(), h3Resolution: 7 };
    const a = decisionLeafTexts(r, rules, privacy, salt);
    const b = referenceDecisionLeafTexts(r, rules, privacy, salt);
    if (a.leafText !== b.leafText || a.fullRecord !== b.fullRecord) throw new Error('the new leaf differs from the reference');
  }
  const built = await builder.decision(records[0]);
  console.log(`${new Date().toISOString()} node ${process.version}, ${os.cpus()[0].model} x${os.cpus().length}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`leaf ${Buffer.byteLength(built.text)} B, full record ${Buffer.byteLength(built.disclosure!.record)} B; 256 records checked byte-identical to the reference`);

  type Way = [label: string, perRound: number, once: (i: number) => unknown];
  const ways: Way[] = [
    [
      'leaf + entry, reference (the builder before)',
      500,
      (i) => {
        const salt = randomBytes(16);
        const texts = referenceDecisionLeafTexts(refs[i & 255], { pseudonymOf: perRecordPseudonyms(), h3Resolution: 7 }, privacy, salt);
        return hashLeaf(Buffer.from(texts.leafText, 'utf8'));
      },
    ],
    ['leaf + entry, LogLeafBuilder.decision + logEntry (now)', 500, async (i) => logEntry(await builder.decision(records[i & 255]))],
    [
      'the same, no pseudonym cached (every id an HMAC, randomBytes salt)',
      500,
      (i) => {
        const texts = decisionLeafTexts(refs[i & 255], { pseudonymOf: perRecordPseudonyms(), h3Resolution: 7 }, privacy, randomBytes(16));
        return hashLeafText(texts.leafText);
      },
    ],
    ['serializer alone: canonicalizeReference(full record)', 1000, (i) => canonicalizeReference(refs[i & 255])],
    ['serializer alone: canonicalize(full record)', 1000, (i) => canonicalize(refs[i & 255])],
  ];
  const samples = ways.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [k, [, n, once]] of ways.entries()) {
      const start = process.cpuUsage();
      for (let i = 0; i < n; i++) await once(i);
      const used = process.cpuUsage(start);
      samples[k].push((used.user + used.system) / n);
    }
  }
  console.log(`CPU microseconds per leaf, ${rounds} rounds (the first is warm-up and not counted)`);
  console.log('| way | best | median |');
  console.log('| --- | ---: | ---: |');
  for (const [k, [label]] of ways.entries()) {
    const s = samples[k].slice(1).sort((a, b) => a - b);
    console.log(`| ${label} | ${s[0].toFixed(1)} | ${s[s.length >> 1].toFixed(1)} |`);
  }
  console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
