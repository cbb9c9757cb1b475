import { BaselineOutcome, runBaselines, runProbes } from './baselines';
import { RunReport, buildReport } from './report';
import { Scenario } from './scenario';
import { SeededMembers } from '../seed/seed-members';
import { MidRunEvent, runSystem } from './system-run';
import { DriverClient } from '../sim';

export interface LoadRunOptions {
  /** One node's base URL, or several. */
  url: string | readonly string[];
  seeded?: SeededMembers;
  failover?: boolean;
  midRun?: MidRunEvent;
  setupBudgetMs?: number;
  driverClient?: DriverClient;
  sampleCpu?: () => Promise<Record<string, number>>;
  admin: { email: string; password: string };
  /** A running baseline server; without one the run has no baselines. */
  baselineUrl?: string;
  command: string;
  seed?: number;
  say: (line: string) => void;
  progressEveryMs?: number;
}

/**
 * Setup, then the baselines alone (right before the measured window: the drivers are online
 * by then and their fixes are background for both), then the system with light baseline
 * probes beside it, which see whatever else the shared machine is doing at that moment.
 */
export async function runLoad(scenario: Scenario, o: LoadRunOptions): Promise<RunReport> {
  const startedAt = new Date();
  let baselines: BaselineOutcome | undefined;
  let probes: BaselineOutcome | undefined;
  const b = scenario.baselines;
  const probe = async (windowMs: number) => {
    if (o.baselineUrl) probes = await runProbes(o.baselineUrl, b.duringEchoPerSecond, b.duringFloorPerSecond, windowMs);
  };
  const measureBaselines = async () => {
    if (!o.baselineUrl) return;
    o.say(`baselines: echo at ${scenario.baselines.echoPerSecond}/s and floor at ${scenario.baselines.floorPerSecond}/s for ${scenario.baselines.durationSeconds} s each`);
    baselines = await runBaselines(o.baselineUrl, scenario.baselines);
    o.say(`baselines: echo p50 ${baselines.echo.p50} ms p99 ${baselines.echo.p99} ms; floor p50 ${baselines.floor.p50} ms p99 ${baselines.floor.p99} ms`);
  };
  const system = await runSystem(scenario, {
    url: o.url,
    seeded: o.seeded,
    failover: o.failover,
    midRun: o.midRun,
    setupBudgetMs: o.setupBudgetMs,
    driverClient: o.driverClient,
    sampleCpu: o.sampleCpu,
    admin: o.admin,
    seed: o.seed ?? 1,
    say: o.say,
    progressEveryMs: o.progressEveryMs,
    beforeRun: measureBaselines,
    during: probe,
  });
  return buildReport({ scenario, command: o.command, url: o.url, startedAt, baselines, probes, system, midRun: o.midRun && { atSeconds: o.midRun.atSeconds, what: o.midRun.what } });
}
