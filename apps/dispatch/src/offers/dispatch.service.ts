import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ImmediateDecisionRecord, RingSearch, decideImmediate, medianEarningsPerHour } from '@coop/matching';
import { moneyToJson } from '@coop/money';
import { Clock, Metrics } from '@coop/platform';
import { DecisionLogRepository } from '../audit/decision-log.repository';
import { PolicyService } from '../policy/policy.service';
import { PresenceStore } from '../presence/presence.store';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';
import { SupplyView } from '../presence/supply-view';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { Trip } from '../trips/trip.types';
import { TripsRepository } from '../trips/trips.repository';
import { OfferDeadlines } from './offer-deadlines';
import { Offer } from './offer.types';
import { OffersRepository } from './offers.repository';

type Outcome =
  | { kind: 'idle' }
  | { kind: 'no_candidate' }
  | { kind: 'exhausted'; trip: Trip }
  | { kind: 'offered'; trip: Trip; offer: Offer; decisionIndex: number };

/** A driver was taken by a concurrent dispatch between our read and our insert: try again. */
class DriverTaken extends Error {}

const MAX_ATTEMPTS = 3;
const FAIRNESS_REFRESH_MS = 30_000;


/**
 * One dispatch step for a trip that is waiting for a driver: ask the matching library for
 * a decision, log it, and offer the trip to the chosen driver, all in one transaction that
 * holds the trip's row lock, so the decision is durable before the offer goes out.
 */
@Injectable()
export class DispatchService {
  private readonly logger = new Logger('dispatch');
  private median = { value: 0, atMs: -Infinity };
  private readonly decisions;

  constructor(
    private readonly db: DataSource,
    private readonly trips: TripsRepository,
    private readonly offers: OffersRepository,
    private readonly log: DecisionLogRepository,
    private readonly supply: SupplyView,
    private readonly policy: PolicyService,
    private readonly presence: PresenceStore,
    private readonly deadlines: OfferDeadlines,
    private readonly notifier: RealtimeNotifier,
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.decisions = metrics.counter('dispatch_decisions_total', 'Dispatch steps by outcome', ['outcome']);
  }

  /** Runs a dispatch step in the background; failures are logged and the sweeper retries. */
  dispatchSoon(tripId: string): void {
    this.dispatch(tripId).catch((error: Error) =>
      this.logger.error({ msg: 'dispatch failed; the sweeper will retry', tripId, error: error.message }),
    );
  }

  async dispatch(tripId: string): Promise<Outcome['kind']> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.step(tripId);
        this.decisions.inc({ outcome: outcome.kind });
        await this.announce(outcome);
        return outcome.kind;
      } catch (error) {
        if (!(error instanceof DriverTaken) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private step(tripId: string): Promise<Outcome> {
    return this.db.transaction(async (tx): Promise<Outcome> => {
      const trip = await this.trips.lock(tx, tripId);
      if (!trip || trip.status !== 'requested') return { kind: 'idle' };
      const { version, hash, document } = this.policy.inForce();
      const matching = document.matching;
      const nowMs = this.clock.nowMs();
      const searchingSeconds = (nowMs - trip.requestedAt.getTime()) / 1000;
      if (trip.offerCount >= matching.maxOffersPerTrip || searchingSeconds > matching.searchTimeoutSeconds) {
        const done = await this.trips.transition(tx, tripId, 'search_exhausted', { cancelledBy: 'system' });
        await this.trips.recordEvent(tx, { tripId, type: 'unfulfilled', from: trip.status, to: 'unfulfilled', data: { offers: trip.offerCount } });
        return { kind: 'exhausted', trip: done! };
      }
      const index = this.supply.current(matching);
      const request = {
        requestId: trip.id,
        kind: trip.kind,
        pickup: trip.pickup,
        vehicleKind: trip.vehicleKind,
        seats: trip.kind === 'ride' ? 1 : 0,
        accessible: false,
        excludedDriverIds: await this.offers.driversAlreadyAsked(tx, tripId),
      };
      const search = await this.withDatabaseTruth(tx, index.search(request, nowMs));
      const record = decideImmediate({
        request,
        supply: search,
        nowMs,
        policy: matching,
        policyRef: { version: String(version), hash },
        fairness: { medianEarningsPerHourMinor: this.fairnessMedian(nowMs) },
      });
      const driverId = record.choice.driverId;
      if (!driverId) return { kind: 'no_candidate' };
      const decisionIndex = await this.log.append(tx, 'dispatch_decision', record, tripId);
      const offer = await this.offers.insertPending(tx, {
        tripId, driverId, attempt: trip.offerCount + 1, decisionIndex, timeoutSeconds: matching.offerTimeoutSeconds,
      });
      // The repository answers undefined when a concurrent dispatch offered this driver another
      // trip after our read: roll back (the decision's log index too) and decide again.
      if (!offer) throw new DriverTaken();
      const offered = await this.trips.transition(tx, tripId, 'offer_made', { incrementOffers: true });
      await this.trips.recordEvent(tx, {
        tripId, type: 'offer_made', from: 'requested', to: 'offered', data: { offerId: offer.id, driverId, decisionIndex, score: record.choice.score },
      });
      // Scheduled before commit: if the commit fails, the job finds no pending offer and does nothing.
      await this.deadlines.schedule(offer.id, offer.expiresAt.getTime() - nowMs);
      return { kind: 'offered', trip: offered!, offer, decisionIndex };
    });
  }

  /**
   * The index's availability is a hint fed over pub/sub; the database knows for sure who
   * holds an offer or drives a trip. Its word goes into the snapshots, and so into the record,
   * both ways: a hint left "offered" or "on trip" by a write that landed late (an accept's
   * after the cancel's, from two processes) must not hide a driver the database says is free.
   */
  private async withDatabaseTruth(tx: import('typeorm').EntityManager, search: RingSearch): Promise<RingSearch> {
    const busy = await this.offers.busyAmong(tx, search.drivers.map((d) => d.driverId));
    return {
      ...search,
      drivers: search.drivers.map((d) => {
        const why = busy.get(d.driverId);
        const status = why === undefined ? 'free' : why === 'on_trip' ? 'on_trip' : 'offered';
        return status === d.status ? d : { ...d, status };
      }),
    };
  }

  private fairnessMedian(nowMs: number): number {
    if (nowMs - this.median.atMs > FAIRNESS_REFRESH_MS) {
      const matching = this.policy.inForce().document.matching;
      const drivers = this.supply.current(matching).all();
      this.median = { value: medianEarningsPerHour(drivers, matching.normalization.fairnessMinOnlineSeconds), atMs: nowMs };
    }
    return this.median.value;
  }

  private async announce(outcome: Outcome): Promise<void> {
    if (outcome.kind === 'offered') {
      const { trip, offer, decisionIndex } = outcome;
      await this.presence.setAvailability(offer.driverId, 'offered', this.clock.nowMs(), PRESENCE_TTL_SECONDS);
      this.notifier.toDriver(offer.driverId, 'offer', offerPayload(trip, offer, decisionIndex));
      this.notifier.toRider(trip.riderId, 'trip:updated', { tripId: trip.id, status: trip.status });
    } else if (outcome.kind === 'exhausted') {
      this.notifier.toRider(outcome.trip.riderId, 'trip:updated', { tripId: outcome.trip.id, status: 'unfulfilled' });
    }
  }
}

/** The `offer` event a driver receives (../shared/API.md). */
export function offerPayload(trip: Trip, offer: Offer, decisionIndex: number | null) {
  return {
    offerId: offer.id,
    tripId: trip.id,
    kind: trip.kind,
    vehicleKind: trip.vehicleKind,
    pickup: trip.pickup,
    dropoff: trip.dropoff,
    fare: moneyToJson({ amount: trip.fareAmount, currency: trip.currency }),
    expiresAt: offer.expiresAt.toISOString(),
    decisionIndex,
  };
}

export type { ImmediateDecisionRecord };
