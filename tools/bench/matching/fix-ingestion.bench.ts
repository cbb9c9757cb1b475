/**
 * Location-fix ingestion into the in-memory SupplyIndex: fixes per second with 100k online
 * drivers, each fix moving a random driver by up to 30 m (about one fix every 4 s while
 * driving at 25 km/h), so some fixes change H3 cell.
 * Run: node -r @swc-node/register tools/bench/matching/fix-ingestion.bench.ts
 */
import { Point } from '@coop/geo';
import { SupplyIndex, defaultMatchingPolicy } from '@coop/matching';
import { msSince, mulberry32 } from './bench-util';
import { jitter, randomDriver } from './synthetic-city';

const NOW = Date.UTC(2026, 10, 23, 17, 0, 0);

function run(drivers: number, fixes: number): void {
  const rnd = mulberry32(7);
  const idx = new SupplyIndex(defaultMatchingPolicy);
  const pos: Point[] = [];
  for (let i = 0; i < drivers; i++) {
    const d = randomDriver(i, rnd, 30_000, NOW);
    idx.upsert({ ...d, fixAtMs: NOW });
    pos.push(d.position);
  }
  const ids = Array.from({ length: drivers }, (_, i) => `drv-${String(i).padStart(6, '0')}`);
  // Precompute the fixes so the timing covers only applyFix.
  const batch = Array.from({ length: fixes }, (_, k) => {
    const i = Math.floor(rnd() * drivers);
    pos[i] = jitter(pos[i], rnd, 30);
    return { id: ids[i], p: pos[i], at: NOW + k };
  });
  for (const f of batch.slice(0, 20_000)) idx.applyFix(f.id, f.p, f.at); // JIT warm-up
  const t0 = process.hrtime.bigint();
  let accepted = 0;
  for (const f of batch) if (idx.applyFix(f.id, f.p, f.at + 1_000_000)) accepted++;
  const ms = msSince(t0);
  console.log(`| ${drivers} | ${fixes} | ${Math.round((fixes / ms) * 1000).toLocaleString('en-US')} | ${((ms * 1000) / fixes).toFixed(2)} µs | ${accepted} |`);
}

console.log('| online drivers | fixes applied | fixes per second | per fix | accepted |');
console.log('| --- | --- | --- | --- | --- |');
run(10_000, 500_000);
run(100_000, 1_000_000);
