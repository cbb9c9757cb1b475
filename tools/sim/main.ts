/**
 * Co-op Dispatch matching simulator: a synthetic city, simulated time, the real matching
 * library, and a comparison table of policies.
 * Run: node -r @swc-node/register tools/sim/main.ts --drivers 300 --hours 2 --seed 42
 * Options: --size-km 20 --start-hour 7 --tick-s 2 --replay-every 25 --policies 0,2 (indexes).
 */
import { defaultMatchingPolicy } from '@coop/matching';
import { EngineOptions, makeCity, makeScenario, runSimulation } from '@coop/simulation';
import { parseArgs } from './args';
import { comparedPolicies } from './policies';
import { progressBar } from './progress';
import { resultTable } from './report';

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const city = makeCity(args.sizeKm);
  const scenario = makeScenario(city, {
    drivers: args.drivers, hours: args.hours, seed: args.seed, sizeKm: args.sizeKm,
    startLocalHour: args.startHour, utcOffsetMinutes: defaultMatchingPolicy.eta.utcOffsetMinutes,
  });
  const options: EngineOptions = {
    tickMs: args.tickS * 1000,
    maxWaitMs: 10 * 60_000,
    retryMs: 10_000,
    fare: { baseMinor: 350, perKmMinor: 120, perMinMinor: 30, driverShareBp: 8500 },
    replayEvery: args.replayEvery,
    seed: args.seed,
  };
  const all = comparedPolicies();
  const chosen = args.policies ? args.policies.map((i) => all[Number(i)]).filter(Boolean) : all;
  const rows = chosen.map(({ name, policy }) => {
    const bar = progressBar(name);
    const t0 = Date.now();
    const result = runSimulation(scenario, policy, options, bar.update);
    bar.done();
    process.stderr.write(`  ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s wall\n`);
    return { name, result };
  });
  console.log(
    `Synthetic city ${args.sizeKm} km across, ${args.drivers} drivers, ${args.hours} h from ${args.startHour}:00 local, ` +
      `seed ${args.seed}, ${scenario.requests.length} requests, tick ${args.tickS} s`,
  );
  console.log(resultTable(rows));
}

main();
