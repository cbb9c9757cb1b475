import { Point, haversineMetres, modelEtaSeconds, toPointE6 } from '@coop/geo';
import {
  DecisionRecord,
  MatchRequest,
  MatchingPolicy,
  SupplyIndex,
  decideBatch,
  decideImmediate,
  medianEarningsPerHour,
  replayMatches,
} from '@coop/matching';
import { lerp } from './city';
import { Prng } from './prng';
import { Scenario, SimDriverSpec, SimRequestSpec } from './scenario';

/** Simulation knobs that are not matching policy. */
export interface EngineOptions {
  tickMs: number;
  /** A request nobody has accepted after this long is given up (`unfulfilled`). */
  maxWaitMs: number;
  /** A request for which no candidate was found is tried again after this long (both modes). */
  retryMs: number;
  /** Fare: base + per km + per minute, minor units; the driver keeps `driverShareBp` of it. */
  fare: { baseMinor: number; perKmMinor: number; perMinMinor: number; driverShareBp: number };
  /** Replay every n-th decision record as a check (0: never). */
  replayEvery: number;
  seed: number;
}

/** Outcome of one request. */
interface RequestState {
  spec: SimRequestSpec;
  status: 'pending' | 'open' | 'offered' | 'matched' | 'picked_up' | 'done' | 'unfulfilled';
  excluded: string[];
  offers: number;
  pickedUpMs: number;
  /** Not before this time is the request decided again (after a search found nobody). */
  retryAtMs: number;
}

interface Leg {
  from: Point;
  to: Point;
  startMs: number;
  endMs: number;
}

interface DriverState {
  spec: SimDriverSpec;
  pos: Point;
  phase: 'free' | 'offered' | 'to_pickup' | 'on_trip';
  leg: Leg | null;
  request: RequestState | null;
  earnedMinor: number;
  offers: number;
  deadheadM: number;
}

interface PendingOffer {
  driver: DriverState;
  request: RequestState;
  respondAtMs: number;
  accept: boolean;
}

/** Per-policy results of a run. */
export interface SimResult {
  requests: number;
  served: number;
  unfulfilled: number;
  waitsS: number[];
  deadheadKmPerDriver: number[];
  /** Road distance (straight line x detour) from the driver to the pickup, per accepted offer. */
  pickupKm: number[];
  simEarningsPerHour: number[];
  periodEarningsPerHour: number[];
  offersPerDriver: number[];
  decisions: number;
  replayed: number;
  replayFailures: number;
}

const FIX_EVERY_MS = 4000;

/**
 * Runs one policy over a scenario in simulated time with the real matching library: the same
 * SupplyIndex, decideImmediate / decideBatch, and decision records (a sample replayed).
 */
export function runSimulation(s: Scenario, policy: MatchingPolicy, o: EngineOptions, onProgress: (f: number) => void): SimResult {
  const rnd = new Prng(o.seed ^ 0x5eed);
  const index = new SupplyIndex(policy);
  const drivers: DriverState[] = s.drivers.map((spec) => ({ spec, pos: spec.start, phase: 'free', leg: null, request: null, earnedMinor: 0, offers: 0, deadheadM: 0 }));
  const byId = new Map(drivers.map((d) => [d.spec.id, d]));
  for (const d of drivers) {
    index.upsert({
      driverId: d.spec.id, vehicle: d.spec.vehicle, position: d.pos, fixAtMs: s.startMs, idleSinceMs: s.startMs,
      earnedMinor: d.spec.priorEarnedMinor, onlineSeconds: d.spec.priorOnlineSeconds,
    });
  }
  const requests: RequestState[] = s.requests.map((spec) => ({ spec, status: 'pending', excluded: [], offers: 0, pickedUpMs: 0, retryAtMs: 0 }));
  let nextRequest = 0;
  const pending: PendingOffer[] = [];
  const ref = { version: 'sim', hash: 'sim' };
  let median = 0;
  let lastBatchMs = -Infinity;
  const res: SimResult = { requests: requests.length, served: 0, unfulfilled: 0, waitsS: [], deadheadKmPerDriver: [], pickupKm: [], simEarningsPerHour: [], periodEarningsPerHour: [], offersPerDriver: [], decisions: 0, replayed: 0, replayFailures: 0 };

  const checkReplay = (rec: DecisionRecord): void => {
    res.decisions++;
    if (o.replayEvery > 0 && res.decisions % o.replayEvery === 0) {
      res.replayed++;
      if (!replayMatches(JSON.parse(JSON.stringify(rec)))) res.replayFailures++;
    }
  };
  const toMatch = (r: RequestState): MatchRequest => ({
    requestId: r.spec.id, kind: r.spec.kind, pickup: r.spec.pickup, vehicleKind: null, seats: r.spec.seats, accessible: r.spec.accessible, excludedDriverIds: r.excluded,
  });
  const offer = (r: RequestState, driverId: string, now: number): void => {
    const d = byId.get(driverId)!;
    r.status = 'offered';
    r.offers++;
    d.phase = 'offered';
    d.offers++;
    index.markOffered(driverId);
    const delayS = rnd.uniform(2, 26);
    const timedOut = delayS > policy.offerTimeoutSeconds;
    pending.push({ driver: d, request: r, respondAtMs: now + 1000 * Math.min(delayS, policy.offerTimeoutSeconds), accept: !timedOut && rnd.next() < d.spec.acceptProb });
  };
  const travelMs = (a: Point, b: Point, d: DriverState, now: number): number => {
    const m = haversineMetres(toPointE6(a), toPointE6(b));
    // The ETA model without pickup overhead, with +-20% noise the matcher does not know about.
    const eta = modelEtaSeconds(m, d.spec.vehicle.kind, now, { ...policy.eta, pickupOverheadSeconds: 0 });
    return Math.max(1000, Math.round(eta * 1000 * rnd.uniform(0.85, 1.25)));
  };

  for (let now = s.startMs; now < s.endMs; now += o.tickMs) {
    while (nextRequest < requests.length && requests[nextRequest].spec.atMs <= now) requests[nextRequest++].status = 'open';

    // Offer responses due by now.
    for (let k = pending.length - 1; k >= 0; k--) {
      const p = pending[k];
      if (p.respondAtMs > now) continue;
      pending.splice(k, 1);
      const { driver: d, request: r } = p;
      if (p.accept && r.status === 'offered') {
        index.markOnTrip(d.spec.id);
        d.phase = 'to_pickup';
        d.request = r;
        r.status = 'matched';
        d.leg = { from: d.pos, to: r.spec.pickup, startMs: now, endMs: now + travelMs(d.pos, r.spec.pickup, d, now) };
        const pickupM = Math.round(haversineMetres(toPointE6(d.pos), toPointE6(r.spec.pickup)) * policy.eta.detourPermille / 1000);
        d.deadheadM += pickupM;
        res.pickupKm.push(pickupM / 1000);
      } else {
        index.markFree(d.spec.id, now);
        d.phase = 'free';
        r.excluded.push(d.spec.id);
        r.status = r.offers >= policy.maxOffersPerTrip ? 'unfulfilled' : 'open';
      }
    }

    // Movement and arrivals.
    for (const d of drivers) {
      if (!d.leg) continue;
      const f = Math.min(1, (now - d.leg.startMs) / (d.leg.endMs - d.leg.startMs));
      d.pos = lerp(d.leg.from, d.leg.to, f);
      if (f < 1) continue;
      const r = d.request!;
      if (d.phase === 'to_pickup') {
        r.status = 'picked_up';
        r.pickedUpMs = now;
        d.phase = 'on_trip';
        d.leg = { from: d.pos, to: r.spec.dropoff, startMs: now, endMs: now + travelMs(d.pos, r.spec.dropoff, d, now) };
      } else {
        const km = haversineMetres(toPointE6(r.spec.pickup), toPointE6(r.spec.dropoff)) * policy.eta.detourPermille / 1e6;
        const min = (d.leg.endMs - d.leg.startMs) / 60_000;
        const fare = o.fare.baseMinor + Math.round(km * o.fare.perKmMinor) + Math.round(min * o.fare.perMinMinor);
        d.earnedMinor += Math.floor((fare * o.fare.driverShareBp) / 10_000);
        r.status = 'done';
        d.leg = null;
        d.request = null;
        d.phase = 'free';
        index.markFree(d.spec.id, now);
      }
    }

    // Location fixes and earnings (the ledger's view) every few seconds.
    if ((now - s.startMs) % FIX_EVERY_MS === 0) {
      const onlineS = Math.floor((now - s.startMs) / 1000);
      for (const d of drivers) {
        index.applyFix(d.spec.id, d.pos, now);
        index.setEarnings(d.spec.id, d.spec.priorEarnedMinor + d.earnedMinor, d.spec.priorOnlineSeconds + onlineS);
      }
    }
    if ((now - s.startMs) % 60_000 === 0) median = medianEarningsPerHour(index.all(), policy.normalization.fairnessMinOnlineSeconds);

    for (const r of requests.slice(0, nextRequest)) {
      if (r.status === 'open' && now - r.spec.atMs > o.maxWaitMs) r.status = 'unfulfilled';
    }
    const open = requests.slice(0, nextRequest).filter((r) => r.status === 'open' && r.retryAtMs <= now);
    const fairness = { medianEarningsPerHourMinor: median };
    if (policy.mode === 'immediate') {
      for (const r of open) {
        const rec = decideImmediate({ request: toMatch(r), supply: index, nowMs: now, policy, policyRef: ref, fairness });
        checkReplay(rec);
        if (rec.choice.driverId) offer(r, rec.choice.driverId, now);
        else r.retryAtMs = now + o.retryMs;
      }
    } else if (open.length > 0 && now - lastBatchMs >= policy.batchWindowMs) {
      lastBatchMs = now;
      const rec = decideBatch({ requests: open.map(toMatch), supply: index, nowMs: now, policy, policyRef: ref, fairness });
      checkReplay(rec);
      const byReq = new Map(open.map((r) => [r.spec.id, r]));
      rec.assignment.forEach((a, k) => {
        const r = byReq.get(a.requestId)!;
        if (a.driverId) offer(r, a.driverId, now);
        else if (rec.requests[k].candidates.length === 0) r.retryAtMs = now + o.retryMs;
      });
    }
    onProgress((now - s.startMs) / (s.endMs - s.startMs));
  }

  const hours = (s.endMs - s.startMs) / 3_600_000;
  for (const r of requests) {
    if (r.status === 'picked_up' || r.status === 'done') {
      res.served++;
      res.waitsS.push((r.pickedUpMs - r.spec.atMs) / 1000);
    } else if (r.status === 'unfulfilled') res.unfulfilled++;
  }
  for (const d of drivers) {
    res.deadheadKmPerDriver.push(d.deadheadM / 1000);
    res.simEarningsPerHour.push(d.earnedMinor / 100 / hours);
    res.periodEarningsPerHour.push((d.spec.priorEarnedMinor + d.earnedMinor) / 100 / (hours + d.spec.priorOnlineSeconds / 3600));
    res.offersPerDriver.push(d.offers);
  }
  return res;
}
