/**
 * Cost of canonicalizing a typical dispatch decision leaf (bench/decision-leaf.json: a real v3
 * leaf over 5 drivers, and the full record it seals), side by side with JSON.stringify of the
 * same values: JSON.stringify neither sorts keys nor checks anything, so the ratio says what
 * RFC 8785's rules cost on top of plain serialization.
 *
 *   node -r @swc-node/register libs/canonical-json/bench/canonicalize.bench.ts [rounds]
 *
 * canonicalizeReference is the straightforward writer canonicalize used until 2026-12-07 (and
 * still falls back to): the two side by side price the fast writer.
 *
 * Optional second argument: a path to another build of canonicalize (a module exporting
 * `canonicalize`), run in the same rounds, e.g. the previous commit's file copied to /tmp.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalize, canonicalizeReference } from '../src';

type Serialize = (value: unknown) => string;

const sample = JSON.parse(readFileSync(join(__dirname, 'decision-leaf.json'), 'utf8')) as { leaf: unknown; fullRecord: unknown };
const values = [sample.leaf, sample.fullRecord];

/** Microseconds per value, best of a few timed passes of `iterations` calls. */
function timeIt(serialize: Serialize, iterations: number): number {
  let best = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) serialize(values[i & 1]);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  return best;
}

function main(): void {
  const rounds = Number(process.argv[2] ?? 3);
  const contenders: [string, Serialize][] = [
    ['JSON.stringify (no sort, no checks)', JSON.stringify],
    ['canonicalizeReference (the writer before)', canonicalizeReference],
    ['canonicalize (fast writer, reference fallback)', canonicalize],
  ];
  if (process.argv[3]) {
    const other = require(process.argv[3]) as { canonicalize: Serialize };
    if (other.canonicalize(sample.leaf) !== canonicalize(sample.leaf)) throw new Error(`${process.argv[3]} disagrees with canonicalize`);
    contenders.push([`canonicalize from ${process.argv[3]}`, other.canonicalize]);
  }
  const bytes = values.map((v) => canonicalize(v).length);
  console.log(`values: leaf ${bytes[0]} B, full record ${bytes[1]} B; microseconds per value, best of 5 passes of 4,000 calls`);
  for (let round = 1; round <= rounds; round++) {
    const floor = timeIt(JSON.stringify, 4000);
    for (const [name, serialize] of contenders) {
      const us = name.startsWith('JSON') ? floor : timeIt(serialize, 4000);
      console.log(`round ${round}  ${name.padEnd(48)} ${us.toFixed(1).padStart(7)} us  ${(us / floor).toFixed(2)}x JSON.stringify`);
    }
  }
}

main();
