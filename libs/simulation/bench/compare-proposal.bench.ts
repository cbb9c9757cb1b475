/**
 * How long a proposal's simulation holds the process (compareProposal is synchronous): a
 * matching change (two simulator runs) and a payout-only change (one run), interleaved, so
 * both see the same machine load; prints the medians and their ratio.
 * Run: node -r @swc-node/register libs/simulation/bench/compare-proposal.bench.ts [rounds]
 */
import { performance } from 'node:perf_hooks';
import { PolicyDocument, defaultPolicy } from '@coop/policy';
import { compareProposal } from '../src/policy-comparison';

const rounds = Number(process.argv[2] ?? 5);
const copy = (): PolicyDocument => JSON.parse(JSON.stringify(defaultPolicy));
const matching = copy();
matching.matching.weights.fairness += 10;
const payouts = copy();
payouts.payouts.schedule = payouts.payouts.schedule === 'weekly' ? 'monthly' : 'weekly';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (proposed: PolicyDocument): number => {
  const t0 = performance.now();
  compareProposal(defaultPolicy, proposed);
  return performance.now() - t0;
};

time(matching); // warm-up: JIT and h3-js
const both: number[] = [];
const one: number[] = [];
for (let i = 0; i < rounds; i++) {
  both.push(time(matching));
  one.push(time(payouts));
}
console.log(`rounds ${rounds}; matching change (2 runs): median ${median(both).toFixed(0)} ms, max ${Math.max(...both).toFixed(0)} ms`);
console.log(`payout-only change (1 run, not affected): median ${median(one).toFixed(0)} ms, max ${Math.max(...one).toFixed(0)} ms`);
console.log(`ratio two runs / one run: ${(median(both) / median(one)).toFixed(2)}`);
