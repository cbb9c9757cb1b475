import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { BaselineOutcome } from './baselines';
import { LatencySummary } from './latency';
import { Scenario } from './scenario';
import { SystemOutcome } from './system-run';
import { NodeCounts } from './trip-tracker';

export interface Check {
  name: string;
  limit: number;
  value: number;
  pass: boolean;
}

/** The run's figures, as written to load-tests/results/<scenario>-<time>.json. */
export interface RunReport {
  scenario: Scenario;
  command: string;
  /** The node, or the nodes, the run drove. */
  url: string | readonly string[];
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; node: string };
  gitCommit: string;
  baselines?: BaselineOutcome;
  /** The same two baselines probed at a low rate during the measured window. */
  probesDuringRun?: BaselineOutcome;
  latencyMs: { requestToOffer: LatencySummary; acceptToRider: LatencySummary; fixAck: LatencySummary; quote: LatencySummary; tripRequestHttp: LatencySummary };
  counts: {
    driversOnline: number;
    requestsScheduled: number;
    requestsSent: number;
    requestsFailed: number;
    ridersOnEarlierTrips: number;
    arrivalsWithoutFreeRider: number;
    achievedRatePerSecond: number;
    offersReceived: number;
    requestsWithoutOffer: number;
    offersLost: number;
    declinedBusy: number;
    matched: number;
    completed: number;
    unfulfilled: number;
    cancelled: number;
    stuck: number;
    disconnects: number;
    /** The drops by who saw what (socket.io-client's reason), in and outside the measured window. */
    disconnectReasons?: Record<string, number>;
    operations: number;
    errors: number;
    errorRate: number;
  };
  /** With several nodes: each node's requests, first offers, matches and cross-node matches. */
  nodes?: NodeCounts[];
  /** What happened mid-run (a node killed), and how the bots rode it out. */
  failover?: { event: { atSeconds: number; what: string }; reconnects: Record<string, number>; interruptedCalls: number; requestRetries: number };
  /** CPU seconds per process during the arrivals window (the nodes and the generator). */
  cpu?: { windowSeconds: number; secondsByProcess: Record<string, number> };
  errorsByCode: Record<string, number>;
  firstErrors: Array<{ at: string; what: string }>;
  /** System p50 over the matching baseline's p50 (issue 8: request-to-offer at most 2x the floor). */
  ratios?: { requestToOfferOverFloorP50: number; fixAckOverEchoP50: number; duringRun?: { requestToOfferOverFloorP50: number; fixAckOverEchoP50: number } };
  checks: Check[];
  pass: boolean;
}

/** The commit of the system measured: LOAD_SYSTEM_COMMIT when the system was built elsewhere (measure.sh), else this checkout's HEAD. */
function gitCommit(): string {
  if (process.env.LOAD_SYSTEM_COMMIT) return process.env.LOAD_SYSTEM_COMMIT;
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

export function buildReport(input: {
  scenario: Scenario;
  command: string;
  url: string | readonly string[];
  startedAt: Date;
  midRun?: { atSeconds: number; what: string };
  baselines?: BaselineOutcome;
  probes?: BaselineOutcome;
  system: SystemOutcome;
}): RunReport {
  const { scenario: s, system } = input;
  const m = system.metrics;
  const latencyMs = {
    requestToOffer: m.requestToOffer.summary(),
    acceptToRider: m.acceptToRider.summary(),
    fixAck: m.fixAck.summary(),
    quote: m.quote.summary(),
    tripRequestHttp: m.tripRequest.summary(),
  };
  const errors = m.errorCount;
  const errorRate = m.operations > 0 ? errors / m.operations : 0;
  const check = (name: string, limit: number, value: number): Check => ({ name, limit, value, pass: value <= limit });
  // A latency nobody measured (no offer, no fix ack in the window) is a failure, not a zero.
  const measured = (l: LatencySummary, p: 'p95' | 'p99') => (l.count > 0 ? l[p] : Number.POSITIVE_INFINITY);
  const checks = [
    check('request to offer p95 (ms)', s.thresholds.requestToOfferP95Ms, measured(latencyMs.requestToOffer, 'p95')),
    check('request to offer p99 (ms)', s.thresholds.requestToOfferP99Ms, measured(latencyMs.requestToOffer, 'p99')),
    check('accept to rider notified p99 (ms)', s.thresholds.acceptToRiderP99Ms, measured(latencyMs.acceptToRider, 'p99')),
    check('location fix ack p95 (ms)', s.thresholds.fixAckP95Ms, measured(latencyMs.fixAck, 'p95')),
    check('location fix ack p99 (ms)', s.thresholds.fixAckP99Ms, measured(latencyMs.fixAck, 'p99')),
    check('error rate', s.thresholds.errorRate, errorRate),
    check('requests without an offer', 0, system.withoutOffer),
    check('arrivals skipped for want of a free rider', 0, m.arrivalsWithoutFreeRider),
    check('offers lost', 0, system.offersLost),
    check('trips stuck', 0, system.stuck),
    check('drivers missing after setup', 0, s.drivers - system.driversOnline),
  ];
  const cpuList = cpus();
  return {
    scenario: s,
    command: input.command,
    url: input.url,
    startedAt: input.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      platform: `${process.platform} ${process.arch}`,
      node: process.version,
    },
    gitCommit: gitCommit(),
    baselines: input.baselines,
    probesDuringRun: input.probes,
    latencyMs,
    counts: {
      driversOnline: system.driversOnline,
      requestsScheduled: m.requestsScheduled,
      requestsSent: m.requestsSent,
      requestsFailed: m.requestsFailed,
      ridersOnEarlierTrips: m.ridersOnEarlierTrips,
      arrivalsWithoutFreeRider: m.arrivalsWithoutFreeRider,
      achievedRatePerSecond: Math.round(system.achievedRatePerSecond * 100) / 100,
      offersReceived: m.offersReceived,
      requestsWithoutOffer: system.withoutOffer,
      offersLost: system.offersLost,
      declinedBusy: m.declinedBusy,
      matched: m.matched,
      completed: m.completed,
      unfulfilled: system.unfulfilled,
      cancelled: system.cancelled,
      stuck: system.stuck,
      disconnects: m.disconnects,
      disconnectReasons: Object.fromEntries(m.disconnectReasons),
      operations: m.operations,
      errors,
      errorRate,
    },
    nodes: system.nodes,
    failover: input.midRun && { event: input.midRun, reconnects: Object.fromEntries(m.reconnects), interruptedCalls: m.interrupted, requestRetries: m.requestRetries },
    cpu: system.cpu,
    errorsByCode: Object.fromEntries(m.errors),
    firstErrors: m.firstErrors,
    ratios: input.baselines && {
      requestToOfferOverFloorP50: ratio(latencyMs.requestToOffer.p50, input.baselines.floor.p50),
      fixAckOverEchoP50: ratio(latencyMs.fixAck.p50, input.baselines.echo.p50),
      duringRun: input.probes && {
        requestToOfferOverFloorP50: ratio(latencyMs.requestToOffer.p50, input.probes.floor.p50),
        fixAckOverEchoP50: ratio(latencyMs.fixAck.p50, input.probes.echo.p50),
      },
    },
    checks,
    pass: checks.every((c) => c.pass),
  };
}

const row = (name: string, l: LatencySummary) => `| ${name} | ${l.count} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} |`;

/** The same report for people: tables of latencies, counts and checks. */
export function renderMarkdown(r: RunReport): string {
  const s = r.scenario;
  const lines = [
    `# Load run: ${s.name} (${r.pass ? 'pass' : 'FAIL'})`,
    '',
    `- command: \`${r.command}\``,
    `- date: ${r.startedAt} to ${r.finishedAt}; commit ${r.gitCommit}`,
    `- machine: ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, ${r.machine.platform}, Node ${r.machine.node}; load generator on the same machine`,
    `- load: ${s.drivers} drivers (a fix every ${s.fixIntervalSeconds} s), ${s.requestsPerSecond} requests/s for ${s.durationSeconds} s (achieved ${r.counts.achievedRatePerSecond}/s), think time ${s.thinkTimeMs[0]}-${s.thinkTimeMs[1]} ms, time scale ${s.timeScale}x`,
    '',
    'Latency in ms, from each message\'s intended send time (open model):',
    '',
    '| measure | count | p50 | p95 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('trip request to offer on the driver\'s socket', r.latencyMs.requestToOffer),
    row('accept to rider notified (matched)', r.latencyMs.acceptToRider),
    row('location fix ack', r.latencyMs.fixAck),
    row('quote (HTTP)', r.latencyMs.quote),
    row('trip request (HTTP answer)', r.latencyMs.tripRequestHttp),
  ];
  if (r.baselines) {
    lines.push(row('baseline alone, before: bare socket.io echo', r.baselines.echo), row('baseline alone, before: HTTP commit one row + one socket.io push', r.baselines.floor));
    const p = r.probesDuringRun;
    if (p) lines.push(row('baseline probe during the run: echo', p.echo), row('baseline probe during the run: commit + push', p.floor));
    const during = r.ratios!.duringRun;
    lines.push(
      '',
      `Ratios (p50): request-to-offer / floor = ${r.ratios!.requestToOfferOverFloorP50} (alone), ${during?.requestToOfferOverFloorP50 ?? '-'} (probed during the run); ` +
        `fix ack / echo = ${r.ratios!.fixAckOverEchoP50} (alone), ${during?.fixAckOverEchoP50 ?? '-'} (during)` +
        (r.baselines.errors + (p?.errors ?? 0) ? ` (baseline errors: ${r.baselines.errors + (p?.errors ?? 0)})` : ''),
    );
  }
  const c = r.counts;
  lines.push(
    '',
    '| count | value |',
    '| --- | ---: |',
    ...(
      [
        ['drivers online / scenario', `${c.driversOnline} / ${s.drivers}`],
        ['requests sent / scheduled', `${c.requestsSent} / ${c.requestsScheduled}`],
        ['requests failed', c.requestsFailed],
        ['arrivals lost to riders still on an earlier run\'s trip (generator)', c.ridersOnEarlierTrips],
        ['arrivals skipped: every rider of the pool on a trip (generator shortfall)', c.arrivalsWithoutFreeRider],
        ['offers received', c.offersReceived],
        ['requests without an offer', c.requestsWithoutOffer],
        ['offers lost (server offer count - offers received)', c.offersLost],
        ['offers to a busy driver (declined)', c.declinedBusy],
        ['matched / completed', `${c.matched} / ${c.completed}`],
        ['unfulfilled / cancelled', `${c.unfulfilled} / ${c.cancelled}`],
        ['trips stuck after the drain', c.stuck],
        ['socket disconnects', c.disconnects + (c.disconnectReasons && c.disconnects ? ` (${Object.entries(c.disconnectReasons).map(([k, v]) => `${k}: ${v}`).join('; ')})` : '')],
        ['errors / operations', `${c.errors} / ${c.operations} (${(c.errorRate * 100).toFixed(3)} %)`],
      ] as const
    ).map(([k, v]) => `| ${k} | ${v} |`),
  );
  if (r.nodes) {
    lines.push(
      '',
      'Per node (the rider\'s node for requests; the driver\'s for offers and matches):',
      '',
      '| node | requests | first offers | matched | cross-node matches (rider here, driver elsewhere) |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...r.nodes.map((n) => `| ${n.node} | ${n.requests} | ${n.firstOffers} | ${n.matched} | ${n.crossNodeMatches} |`),
    );
  }
  if (r.failover) {
    const f = r.failover;
    lines.push(
      '',
      `Mid-run at t=${f.event.atSeconds} s: ${f.event.what}. Reconnections: ${Object.entries(f.reconnects).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'}; ` +
        `driver calls cut off by the drop (picked up again after the reconnect, not counted as errors): ${f.interruptedCalls}; ` +
        `trip requests sent again after a lost answer (same Idempotency-Key): ${f.requestRetries}.`,
    );
  }
  if (r.cpu) {
    lines.push(
      '',
      `CPU during the ${r.cpu.windowSeconds.toFixed(0)} s window (seconds, share of one core): ` +
        Object.entries(r.cpu.secondsByProcess)
          .map(([k, v]) => `${k} ${v} (${Math.round((v / r.cpu!.windowSeconds) * 100)} %)`)
          .join(', '),
    );
  }
  if (Object.keys(r.errorsByCode).length) {
    lines.push('', 'Errors:', '', ...Object.entries(r.errorsByCode).map(([k, v]) => `- ${k}: ${v}`));
    lines.push('', 'First errors:', '', ...r.firstErrors.map((e) => `- ${e.at} ${e.what}`));
  }
  lines.push('', '| check | limit | value | |', '| --- | ---: | ---: | --- |', ...r.checks.map((k) => `| ${k.name} | ${k.limit} | ${Number(k.value.toFixed(4))} | ${k.pass ? 'pass' : 'FAIL'} |`));
  return lines.join('\n') + '\n';
}
