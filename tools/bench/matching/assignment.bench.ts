/**
 * Assignment solver benchmark: time per solve of solveAssignment on dense square and sparse
 * rectangular integer matrices, and its total cost against a greedy baseline (cheapest
 * remaining pair first). Run: node -r @swc-node/register tools/bench/matching/assignment.bench.ts
 */
import { assignmentCost, solveAssignment } from '@coop/matching';
import { fmt, msSince, mulberry32, percentile } from './bench-util';

interface Case {
  name: string;
  rows: number;
  cols: number;
  forbidden: number;
  runs: number;
}

const CASES: Case[] = [
  { name: '100x100 dense', rows: 100, cols: 100, forbidden: 0, runs: 30 },
  { name: '500x500 dense', rows: 500, cols: 500, forbidden: 0, runs: 10 },
  { name: '1000x1000 dense', rows: 1000, cols: 1000, forbidden: 0, runs: 7 },
  { name: '200x2000, 90% forbidden', rows: 200, cols: 2000, forbidden: 0.9, runs: 10 },
  { name: '2000x200, 90% forbidden', rows: 2000, cols: 200, forbidden: 0.9, runs: 10 },
  { name: '1000x1000, 95% forbidden', rows: 1000, cols: 1000, forbidden: 0.95, runs: 7 },
];

/** Costs like the matcher's: max score minus score, integers up to 1 000 000. */
function matrix(c: Case, rnd: () => number): number[][] {
  return Array.from({ length: c.rows }, () =>
    Array.from({ length: c.cols }, () => (rnd() < c.forbidden ? Infinity : Math.floor(rnd() * 1_000_000))),
  );
}

/** Greedy baseline: repeatedly take the cheapest pair whose row and column are both free. */
function greedy(cost: number[][]): number[] {
  const pairs: Array<[number, number, number]> = [];
  cost.forEach((row, i) => row.forEach((x, j) => x !== Infinity && pairs.push([x, i, j])));
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const out = new Array<number>(cost.length).fill(-1);
  const usedCol = new Set<number>();
  for (const [, i, j] of pairs) {
    if (out[i] === -1 && !usedCol.has(j)) {
      out[i] = j;
      usedCol.add(j);
    }
  }
  return out;
}

function main(): void {
  const rnd = mulberry32(20261123);
  // warm the JIT on a mid-size problem so the first case is not charged for compilation
  for (let k = 0; k < 3; k++) solveAssignment(matrix({ name: 'warm', rows: 300, cols: 300, forbidden: 0.3, runs: 1 }, rnd));
  console.log('| matrix | median solve | max solve | assigned (optimal / greedy) | total cost optimal | total cost greedy | greedy excess |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const c of CASES) {
    const times: number[] = [];
    let opt = 0, gr = 0, nOpt = 0, nGr = 0;
    for (let r = 0; r < c.runs; r++) {
      const cost = matrix(c, rnd);
      const t0 = process.hrtime.bigint();
      const a = solveAssignment(cost);
      times.push(msSince(t0));
      const g = greedy(cost);
      opt += assignmentCost(cost, a);
      gr += assignmentCost(cost, g);
      nOpt += a.filter((j) => j >= 0).length;
      nGr += g.filter((j) => j >= 0).length;
    }
    const excess = nOpt === nGr ? `${(((gr - opt) / opt) * 100).toFixed(1)}%` : 'n/a (fewer assigned)';
    console.log(
      `| ${c.name} | ${fmt(percentile(times, 50))} | ${fmt(Math.max(...times))} | ${(nOpt / c.runs).toFixed(0)} / ${(nGr / c.runs).toFixed(0)} | ` +
        `${Math.round(opt / c.runs)} | ${Math.round(gr / c.runs)} | ${excess} |`,
    );
  }
}

main();
