/**
 * Bytes of a typical decision leaf and of its sealed full record, part by part (RFC 8785 text,
 * UTF-8), so the README can say what the leaf schema spends its bytes on:
 *
 *   cd /work/main && node -r @swc-node/register apps/dispatch/src/audit/bench/leaf-size.ts
 *
 * The record is the append bench's: an immediate decision over 5 drivers (test fixtures), built
 * into a leaf by the app's LogLeafBuilder with an in-memory policy and pseudonym key.
 */
import { randomUUID } from 'node:crypto';
import { canonicalize } from '@coop/canonical-json';
import { SupplyIndex, decideImmediate } from '@coop/matching';
import { NOW, carDriver, policyWith, rideRequest } from '../../../../../libs/matching/src/test-fixtures';
import { LogLeafBuilder } from '../log-leaf.builder';

const bytes = (v: unknown) => Buffer.byteLength(v === undefined ? '' : canonicalize(v), 'utf8');

function decision() {
  const policy = policyWith();
  const idx = new SupplyIndex(policy);
  for (let i = 0; i < 5; i++) idx.upsert(carDriver(randomUUID(), 100 + 150 * i));
  return decideImmediate({
    request: rideRequest({ requestId: randomUUID() }),
    supply: idx,
    nowMs: NOW,
    policy,
    policyRef: { version: '1', hash: 'ab'.repeat(32) },
    fairness: { medianEarningsPerHourMinor: 4000 },
  });
}

/** Bytes of each top-level field of a record, largest first, and the total. */
function parts(label: string, record: Record<string, unknown>, total: number): void {
  const rows = Object.entries(record)
    .map(([k, v]) => [k, bytes(v)] as const)
    .sort((a, b) => b[1] - a[1]);
  console.log(`${label}: ${total} B`);
  for (const [k, n] of rows) console.log(`  ${k.padEnd(14)} ${String(n).padStart(6)} B  ${((100 * n) / total).toFixed(0).padStart(3)}%`);
}

async function main(): Promise<void> {
  const record = decision();
  const policies = { version: async () => undefined, inForce: () => ({ document: { privacy: { pseudonymRotation: 'monthly', publicH3Resolution: 7 } } }) };
  const keys = { keyFor: async () => Buffer.alloc(32, 7) };
  const builder = new LogLeafBuilder(policies as never, keys as never);
  const built = await builder.decision(record);
  const leafObject = JSON.parse(built.text) as { schema: string; record: Record<string, unknown> };
  const leaf = leafObject;
  const disclosed = JSON.parse(built.disclosure!.record) as Record<string, unknown>;
  console.log(`schema ${leafObject.schema}; leaf text + disclosed record = ${bytes(leafObject) + built.disclosure!.record.length} B`);
  parts('leaf (public record inside)', leaf.record, bytes(leafObject));
  console.log(`  (leaf envelope: privacy, sealed, schema, kind: ${bytes(leafObject) - bytes(leaf.record)} B)`);
  parts('disclosed full record', disclosed, built.disclosure!.record.length);
  const candidates = (leaf.record.candidates ?? []) as unknown[];
  if (candidates.length > 0) console.log(`one public candidate: ${bytes(candidates[0])} B: ${canonicalize(candidates[0])}`);
  const drivers = (leaf.record.drivers ?? []) as unknown[];
  if (drivers.length > 0) console.log(`one public driver snapshot: ${bytes(drivers[0])} B: ${canonicalize(drivers[0])}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
