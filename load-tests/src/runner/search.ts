import { RunReport } from './report';
import { Scenario, validScenario } from './scenario';

/** The mark a step must hold to count as sustained. */
export interface SearchLimits {
  requestToOfferP99Ms: number;
  /** The achieved arrival rate must be at least this share of the scheduled one. */
  minAchievedShare: number;
}

export interface SearchStep {
  rate: number;
  held: boolean;
  /** Why the step did not hold (empty when it did). */
  reasons: string[];
  report: RunReport;
}

export interface SearchPlan {
  rates: number[];
  stepSeconds: number;
  /** The whole search stops starting new steps after this long. */
  budgetMs: number;
  limits: SearchLimits;
}

/** Whether a step's run held the mark, and if not, every reason it did not. */
export function judgeStep(report: RunReport, limits: SearchLimits): { held: boolean; reasons: string[] } {
  const c = report.counts;
  const reasons: string[] = [];
  const p99 = report.latencyMs.requestToOffer.p99;
  if (p99 > limits.requestToOfferP99Ms) reasons.push(`request-to-offer p99 ${p99} ms > ${limits.requestToOfferP99Ms} ms`);
  if (c.errors > 0) reasons.push(`${c.errors} errors`);
  if (c.driversOnline < report.scenario.drivers) reasons.push(`${c.driversOnline} of ${report.scenario.drivers} drivers online`);
  if (c.requestsWithoutOffer > 0) reasons.push(`${c.requestsWithoutOffer} requests without an offer`);
  if (c.offersLost > 0) reasons.push(`${c.offersLost} offers lost`);
  if (c.stuck > 0) reasons.push(`${c.stuck} trips stuck`);
  if (c.arrivalsWithoutFreeRider > 0) reasons.push(`${c.arrivalsWithoutFreeRider} arrivals without a free rider (generator)`);
  const scheduled = report.scenario.requestsPerSecond;
  if (c.achievedRatePerSecond < scheduled * limits.minAchievedShare) reasons.push(`achieved ${c.achievedRatePerSecond}/s of ${scheduled}/s`);
  return { held: reasons.length === 0, reasons };
}

/**
 * The scenario at one step's rate: the rider pool grows with the rate (the server allows one
 * open trip per rider, so a pool sized for the base rate would starve the generator), and
 * the window is the step's length.
 */
export function stepScenario(base: Scenario, rate: number, stepSeconds: number): Scenario {
  return validScenario({
    ...base,
    requestsPerSecond: rate,
    durationSeconds: stepSeconds,
    riders: Math.max(base.riders, Math.ceil((base.riders * rate) / base.requestsPerSecond)),
  });
}

/**
 * Steps the request rate up until one step misses the mark (or the budget runs out), and
 * returns every step; the highest rate that held is the answer. Each step is a whole run of
 * its own (setup, window, drain), one at a time: the rates are not interleaved.
 */
export async function searchSustainableRate(
  base: Scenario,
  plan: SearchPlan,
  runStep: (scenario: Scenario) => Promise<RunReport>,
  say: (line: string) => void,
): Promise<{ steps: SearchStep[]; highestHeld?: number; stoppedBy: string }> {
  const deadline = Date.now() + plan.budgetMs;
  const steps: SearchStep[] = [];
  for (const rate of plan.rates) {
    if (Date.now() > deadline) return { steps, highestHeld: highest(steps), stoppedBy: 'time budget' };
    say(`search: ${rate} requests/s for ${plan.stepSeconds} s`);
    const report = await runStep(stepScenario(base, rate, plan.stepSeconds));
    const { held, reasons } = judgeStep(report, plan.limits);
    steps.push({ rate, held, reasons, report });
    say(`search: ${rate}/s ${held ? 'held' : `did not hold: ${reasons.join('; ')}`} (request-to-offer p50 ${report.latencyMs.requestToOffer.p50} p99 ${report.latencyMs.requestToOffer.p99} ms)`);
    if (!held) return { steps, highestHeld: highest(steps), stoppedBy: `${rate}/s did not hold` };
  }
  return { steps, highestHeld: highest(steps), stoppedBy: 'every planned rate held' };
}

const highest = (steps: SearchStep[]) => steps.filter((s) => s.held).at(-1)?.rate;

/** The search for people: one row per step. */
export function renderSearch(title: string, result: { steps: SearchStep[]; highestHeld?: number; stoppedBy: string }, limits: SearchLimits): string {
  const first = result.steps[0]?.report;
  const lines = [
    `# ${title}`,
    '',
    first ? `- date: ${first.startedAt}; commit ${first.gitCommit}; machine: ${first.machine.cpus} x ${first.machine.cpuModel}, ${first.machine.memoryGiB} GiB, Node ${first.machine.node}` : '',
    first ? `- drivers: ${first.scenario.drivers} (a fix every ${first.scenario.fixIntervalSeconds} s); nodes: ${[first.url].flat().join(', ')}` : '',
    `- mark: request-to-offer p99 <= ${limits.requestToOfferP99Ms} ms, no error, no request without an offer, nothing lost or stuck, achieved rate >= ${limits.minAchievedShare * 100} % of scheduled`,
    `- highest rate that held: ${result.highestHeld === undefined ? 'none' : `${result.highestHeld} requests/s`} (stopped: ${result.stoppedBy})`,
    '',
    '| rate (/s) | achieved | request to offer p50 / p95 / p99 (ms) | fix ack p50 / p99 | errors | without offer | lost | stuck | CPU (s, window) | held |',
    '| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...result.steps.map(({ rate, held, reasons, report: r }) => {
      const o = r.latencyMs.requestToOffer;
      const f = r.latencyMs.fixAck;
      const cpu = r.cpu ? Object.entries(r.cpu.secondsByProcess).map(([k, v]) => `${k} ${v}`).join(', ') : '-';
      return `| ${rate} | ${r.counts.achievedRatePerSecond} | ${o.p50} / ${o.p95} / ${o.p99} | ${f.p50} / ${f.p99} | ${r.counts.errors} | ${r.counts.requestsWithoutOffer} | ${r.counts.offersLost} | ${r.counts.stuck} | ${cpu} | ${held ? 'yes' : `no: ${reasons.join('; ')}`} |`;
    }),
  ];
  return lines.filter((l) => l !== undefined).join('\n') + '\n';
}
