import { ApiClient, ApiError, DriverClient, Prng, RiderBot, inBatches, offset, randomPointWithin, rounded, signIn, terminalStatuses } from '../sim';
import { SeededMembers } from '../seed/seed-members';
import { nodeOrder, startFleet } from './fleet';
import { RunMetrics } from './run-metrics';
import { Scenario } from './scenario';
import { arrivalOffsetsMs, runSchedule } from './schedule';
import { NodeCounts, TripTracker } from './trip-tracker';

export interface SystemOutcome {
  metrics: RunMetrics;
  requested: number;
  offersLost: number;
  stuck: number;
  unfulfilled: number;
  cancelled: number;
  /** Requests whose trip never got an offer that a driver's socket received. */
  withoutOffer: number;
  /** Measured arrival rate, requests per second actually sent. */
  achievedRatePerSecond: number;
  /** Drivers that came online in setup (fewer than the scenario's when the setup budget ran out). */
  driversOnline: number;
  /** Per node, when the run had several. */
  nodes?: NodeCounts[];
  /** CPU seconds each sampled process used during the measured window (arrivals, not the drain), and the window's length. */
  cpu?: { windowSeconds: number; secondsByProcess: Record<string, number> };
}

/** Something to do at a set time of the measured window (killing a node). */
export interface MidRunEvent {
  atSeconds: number;
  what: string;
  run: () => Promise<void>;
}

export interface SystemRunOptions {
  /** One node's base URL, or several (members are spread over them). */
  url: string | readonly string[];
  /** Members' tokens from the seeder, instead of signing every member in over HTTP. */
  seeded?: SeededMembers;
  /** Bots move to another node after a drop (on with several nodes). */
  failover?: boolean;
  midRun?: MidRunEvent;
  /** Setup stops putting drivers online after this long; the run goes on with those online. */
  setupBudgetMs?: number;
  /** The client the driver bots use (default socket.io-client). */
  driverClient?: DriverClient;
  /** CPU seconds used so far by each process of interest (the nodes, the generator), sampled around the window. */
  sampleCpu?: () => Promise<Record<string, number>>;
  admin: { email: string; password: string };
  seed: number;
  say: (line: string) => void;
  progressEveryMs?: number;
  /** Runs after setup, just before the measured window (the baselines, close in time to it). */
  beforeRun?: () => Promise<void>;
  /** Runs beside the measured window, for its length (the baseline probes). */
  during?: (windowMs: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * The scenario against the real system: drivers online with fixes every few seconds, riders
 * arriving on a fixed schedule, drivers accepting after a think time and driving the trips
 * to the end; then the server's own view of every trip to count lost offers and stuck trips.
 */
export async function runSystem(s: Scenario, o: SystemRunOptions): Promise<SystemOutcome> {
  const urls = typeof o.url === 'string' ? [o.url] : o.url;
  const apis = urls.map((_, k) => new ApiClient(nodeOrder(urls, k), { connections: 32 }));
  const api = apis[0];
  const metrics = new RunMetrics();
  const tracker = new TripTracker(metrics);
  const rng = new Prng(o.seed);
  for (const a of apis) await a.waitForHealth(60_000);
  // The admin signs in only when some driver still has to be approved over HTTP.
  const adminToken = o.seeded ? '' : (await signIn(api, o.admin)).token;
  const failover = o.failover ?? urls.length > 1;
  const fleet = await startFleet(s, urls, apis, adminToken, metrics, tracker, rng, o.say, { seeded: o.seeded, failover, setupBudgetMs: o.setupBudgetMs, driverClient: o.driverClient });

  await o.beforeRun?.();
  // Let every driver's first fix land and the fix schedule reach its steady spread.
  await sleep(Math.min(2_000, s.fixIntervalSeconds * 1000));

  const offsets = arrivalOffsetsMs(s.requestsPerSecond, s.durationSeconds * 1000);
  metrics.requestsScheduled = offsets.length;
  const start = Date.now() + 200;
  let firstSentAt = 0;
  let lastSentAt = 0;
  o.say(`run: ${offsets.length} requests at ${s.requestsPerSecond}/s over ${s.durationSeconds} s, ${s.drivers} drivers, fix every ${s.fixIntervalSeconds} s`);

  const progress = setInterval(() => {
    const fix = metrics.fixAck.summary();
    o.say(
      `t=${((Date.now() - start) / 1000).toFixed(0)}s requests ${metrics.requestsSent}/${offsets.length} offers ${metrics.offersReceived} ` +
        `matched ${metrics.matched} completed ${metrics.completed} open ${tracker.openCount()} fixes ${fix.count} (p99 ${fix.p99} ms) ` +
        `offer p99 ${metrics.requestToOffer.percentile(99)} ms errors ${metrics.errorCount}`,
    );
  }, o.progressEveryMs ?? 2_000);

  const pending: Promise<void>[] = [];
  const riderOf = new Map<string, RiderBot>();
  const freeRiders = [...fleet.riders];
  metrics.measuring = true;
  const arrival = async (quoteIntendedAt: number, i: number) => {
    // The server allows one open trip per rider: each arrival takes a rider who has none.
    const rider = freeRiders.shift();
    if (!rider) {
      metrics.arrivalsWithoutFreeRider++;
      return;
    }
    const pickup = rounded(randomPointWithin(rng, s.area, s.area.radiusM * 0.8));
    const dropoff = rounded(offset(pickup, rng.between(s.tripMetres[0], s.tripMetres[1]), rng.between(0, 2 * Math.PI)));
    const requestIntendedAt = quoteIntendedAt + s.quoteLeadMs;
    try {
      const quote = await rider.quote(pickup, dropoff);
      metrics.ok();
      metrics.quote.record(Date.now() - quoteIntendedAt);
      await sleep(requestIntendedAt - Date.now());
      const sentAt = Date.now();
      firstSentAt ||= sentAt;
      lastSentAt = sentAt;
      metrics.requestsSent++;
      // With failover, a request whose node died under it is sent again (same Idempotency-Key).
      const trip = await rider.request(quote.quoteId, failover ? 90_000 : 0);
      metrics.ok();
      metrics.tripRequest.record(Date.now() - requestIntendedAt);
      riderOf.set(trip.tripId, rider);
      tracker.requested(trip.tripId, requestIntendedAt, rider.link.url);
      void rider
        .untilDone(trip.tripId, (s.durationSeconds + s.drainSeconds) * 1000)
        .catch(() => undefined)
        .then(() => freeRiders.push(rider));
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'CLIENT';
      if (code === 'RIDER_HAS_ACTIVE_TRIP') {
        // Riders in the free pool have no open trip of this run: this one is still on a trip
        // of an earlier run (one that was stopped mid-way). The generator's fault, not the
        // system's: the rider leaves the pool and the run counts it.
        metrics.ridersOnEarlierTrips++;
        return;
      }
      metrics.requestsFailed++;
      metrics.error('rider request', code);
      freeRiders.push(rider);
    }
  };
  const cpuBefore = await o.sampleCpu?.();
  const windowStartedAt = Date.now();
  const beside = o.during?.(s.durationSeconds * 1000);
  const midRun = o.midRun;
  const midRunTimer =
    midRun &&
    setTimeout(() => {
      o.say(`t=${midRun.atSeconds}s: ${midRun.what}`);
      midRun.run().catch((error: Error) => o.say(`${midRun.what} failed: ${error.message}`));
    }, start + midRun.atSeconds * 1000 - Date.now());
  await runSchedule(offsets, start, (at, i) => pending.push(arrival(at, i)));
  await Promise.all(pending);
  await beside;
  const cpuAfter = await o.sampleCpu?.();
  const windowSeconds = (Date.now() - windowStartedAt) / 1000;

  o.say(`drain: waiting up to ${s.drainSeconds} s for ${tracker.openCount()} open trips to end`);
  const drainUntil = Date.now() + s.drainSeconds * 1000;
  while (tracker.openCount() > 0 && Date.now() < drainUntil) await sleep(250);
  clearInterval(progress);
  metrics.measuring = false;

  // The server's view of each trip is the truth for lost offers and stuck trips.
  const trips = tracker.requestedTrips();
  const views = await inBatches(trips, 8, (t) => riderOf.get(t.tripId)!.trip(t.tripId).catch(() => undefined));
  clearTimeout(midRunTimer);
  metrics.requestRetries = fleet.riders.reduce((n, r) => n + r.retries, 0);
  fleet.stop();
  await Promise.all(apis.map((a) => a.close()));

  let offersLost = 0;
  let stuck = 0;
  let unfulfilled = 0;
  let cancelled = 0;
  let withoutOffer = 0;
  trips.forEach((t, i) => {
    const view = views[i];
    if (!view) {
      stuck++;
      return;
    }
    offersLost += Math.max(0, view.offerCount - t.offersSeen);
    if (t.offersSeen === 0) withoutOffer++;
    if (!terminalStatuses.has(view.status)) stuck++;
    if (view.status === 'unfulfilled') unfulfilled++;
    if (view.status === 'cancelled') cancelled++;
  });
  const span = (lastSentAt - firstSentAt) / 1000;
  return {
    metrics,
    requested: trips.length,
    offersLost,
    stuck,
    unfulfilled,
    cancelled,
    withoutOffer,
    achievedRatePerSecond: span > 0 ? (metrics.requestsSent - 1) / span : 0,
    driversOnline: fleet.drivers.length,
    nodes: urls.length > 1 ? tracker.byNode(urls) : undefined,
    cpu: cpuBefore && cpuAfter && { windowSeconds, secondsByProcess: cpuUsed(cpuBefore, cpuAfter) },
  };
}

/** CPU seconds between two samples; a process gone by the second one (a killed node) is left out: /proc forgot it. */
function cpuUsed(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(before).filter(([k]) => after[k] !== undefined).map(([k, v]) => [k, Math.round((after[k] - v) * 100) / 100]));
}
