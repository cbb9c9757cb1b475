import { ApiClient, ApiError, Prng, RiderBot, inBatches, offset, randomPointWithin, rounded, signIn, terminalStatuses } from '../sim';
import { startFleet } from './fleet';
import { RunMetrics } from './run-metrics';
import { Scenario } from './scenario';
import { arrivalOffsetsMs, runSchedule } from './schedule';
import { TripTracker } from './trip-tracker';

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
}

export interface SystemRunOptions {
  url: string;
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
  const api = new ApiClient(o.url, { connections: 32 });
  const metrics = new RunMetrics();
  const tracker = new TripTracker(metrics);
  const rng = new Prng(o.seed);
  await api.waitForHealth(60_000);
  const adminToken = (await signIn(api, o.admin)).token;
  const fleet = await startFleet(s, o.url, api, adminToken, metrics, tracker, rng, o.say);

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
      const trip = await rider.request(quote.quoteId);
      metrics.ok();
      metrics.tripRequest.record(Date.now() - requestIntendedAt);
      riderOf.set(trip.tripId, rider);
      tracker.requested(trip.tripId, requestIntendedAt);
      void rider
        .untilDone(trip.tripId, (s.durationSeconds + s.drainSeconds) * 1000)
        .catch(() => undefined)
        .then(() => freeRiders.push(rider));
    } catch (error) {
      metrics.requestsFailed++;
      metrics.error('rider request', error instanceof ApiError ? error.code : 'CLIENT');
      freeRiders.push(rider);
    }
  };
  const beside = o.during?.(s.durationSeconds * 1000);
  await runSchedule(offsets, start, (at, i) => pending.push(arrival(at, i)));
  await Promise.all(pending);
  await beside;

  o.say(`drain: waiting up to ${s.drainSeconds} s for ${tracker.openCount()} open trips to end`);
  const drainUntil = Date.now() + s.drainSeconds * 1000;
  while (tracker.openCount() > 0 && Date.now() < drainUntil) await sleep(250);
  clearInterval(progress);
  metrics.measuring = false;

  // The server's view of each trip is the truth for lost offers and stuck trips.
  const trips = tracker.requestedTrips();
  const views = await inBatches(trips, 8, (t) => riderOf.get(t.tripId)!.trip(t.tripId).catch(() => undefined));
  fleet.stop();
  await api.close();

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
  };
}
