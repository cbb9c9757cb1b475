import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MatchRequest, MatchingPolicy, RingSearch, medianEarningsPerHour } from '@coop/matching';
import { Clock } from '@coop/platform';
import { PolicyService } from '../policy/policy.service';
import { PresenceStore } from '../presence/presence.store';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';
import { SupplyView } from '../presence/supply-view';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { Trip } from '../trips/trip.types';
import { TripsRepository } from '../trips/trips.repository';
import { StageTimer } from './dispatch-latency';
import { Outbox } from '../outbox/outbox';
import { offerPayload } from './offer-payload';
import { OfferDeadlines } from './offer-deadlines';
import { Offer } from './offer.types';
import { OffersRepository } from './offers.repository';

/** The median is recomputed at most this often, and only after some driver's figures changed. */
const FAIRNESS_REFRESH_MS = 1_000;

/** A driver was taken by a concurrent dispatch between our read and our insert: decide again. */
export class DriverTaken extends Error {}

/** An offer made inside a dispatch transaction, to announce once it commits. */
export interface MadeOffer {
  trip: Trip;
  offer: Offer;
  decisionIndex: number;
}

/** True when the policy says to stop looking for a driver for this trip. */
export function searchExhausted(trip: Trip, matching: MatchingPolicy, nowMs: number): boolean {
  const searchingSeconds = (nowMs - trip.requestedAt.getTime()) / 1000;
  return trip.offerCount >= matching.maxOffersPerTrip || searchingSeconds > matching.searchTimeoutSeconds;
}

/** The matching library's view of a waiting trip. */
export function matchRequestOf(trip: Trip, excludedDriverIds: string[]): MatchRequest {
  return {
    requestId: trip.id,
    kind: trip.kind,
    pickup: trip.pickup,
    vehicleKind: trip.vehicleKind,
    seats: trip.kind === 'ride' ? 1 : 0,
    accessible: false,
    excludedDriverIds,
  };
}

/**
 * The index's availability is a hint fed over pub/sub; the database knows for sure who
 * holds an offer or drives a trip. Its word goes into the snapshots, and so into the record,
 * both ways: a hint left "offered" or "on trip" by a write that landed late must not hide a
 * driver the database says is free.
 */
export function withDatabaseTruth(search: RingSearch, busy: ReadonlyMap<string, 'holding_offer' | 'on_trip'>): RingSearch {
  return {
    ...search,
    drivers: search.drivers.map((d) => {
      const why = busy.get(d.driverId);
      const status = why === undefined ? 'free' : why === 'on_trip' ? 'on_trip' : 'offered';
      return status === d.status ? d : { ...d, status };
    }),
  };
}

/**
 * The steps of immediate and batch dispatch: ending a search, writing an offer (inside the
 * batch's transaction, or fenced in a commit of its own for an immediate step), and announcing
 * it after the commit.
 */
@Injectable()
export class DispatchSteps {
  private median: { value: number; atMs: number; version: number; policy?: MatchingPolicy } = { value: 0, atMs: -Infinity, version: -1 };

  constructor(
    private readonly db: DataSource,
    private readonly trips: TripsRepository,
    private readonly offers: OffersRepository,
    private readonly supply: SupplyView,
    private readonly policy: PolicyService,
    private readonly presence: PresenceStore,
    private readonly deadlines: OfferDeadlines,
    private readonly notifier: RealtimeNotifier,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /**
   * Ends the search. The ledger hears of it as a cancellation by the system (no fee), so the
   * rider's card hold is released now rather than by its expiry a day later.
   */
  async markUnfulfilled(tx: EntityManager, trip: Trip): Promise<Trip> {
    const done = await this.trips.transition(tx, trip.id, 'search_exhausted', { cancelledBy: 'system' });
    await this.trips.recordEvent(tx, { tripId: trip.id, type: 'unfulfilled', from: trip.status, to: 'unfulfilled', data: { offers: trip.offerCount } });
    await this.outbox.write(tx, 'trip.cancelled', {
      tripId: trip.id, riderId: trip.riderId, driverId: null, statusBefore: trip.status, cancelledBy: 'system', outcome: 'unfulfilled',
      kind: trip.kind, vehicleKind: trip.vehicleKind, matchedAt: null,
      policyVersion: trip.policyVersion, policyHash: trip.policyHash, at: new Date(this.clock.nowMs()).toISOString(),
    });
    return done!;
  }

  /**
   * Offers the trip to the driver; throws DriverTaken, having written nothing, if a concurrent
   * dispatch got them first. `decision` is the decision's log append, which may still be
   * committing: the offer, the trip's status and the history row are written in one statement
   * once it resolved (the offer row names the decision's index). Nothing here is visible to
   * anyone before this transaction commits, so the decision is durable before the offer exists
   * for others, let alone goes out. A failed append (LogAppendFailed) is thrown before any write.
   */
  async makeOffer(
    tx: EntityManager,
    trip: Trip,
    choice: { driverId: string; score: number | null },
    decision: number | Promise<number>,
    timer?: StageTimer,
  ): Promise<MadeOffer> {
    const matching = this.policy.inForce().document.matching;
    const decisionIndex = await decision;
    timer?.lap('log_append');
    const made = await this.offers.offerTrip(tx, {
      tripId: trip.id, driverId: choice.driverId, attempt: trip.offerCount + 1, decisionIndex,
      timeoutSeconds: matching.offerTimeoutSeconds, score: choice.score,
    });
    // Undefined when a concurrent dispatch offered this driver another trip after our read:
    // the caller decides again. The decision is already committed to the log (durable before
    // the offer) and stays there as a decision that led to no offer.
    if (!made) throw new DriverTaken();
    timer?.lap('offer_write');
    return { trip: made.trip, offer: made.offer, decisionIndex };
  }

  /**
   * Offers a trip the caller read without a lock, once `decision` (its log append) resolved,
   * in one statement with its own commit (OffersRepository.offerIfUnchanged): undefined, with
   * nothing written, when the trip moved on since the read (another step offered it, the rider
   * cancelled); DriverTaken when the driver holds another offer. Either way the decision stays
   * in the log as one that led to no offer. A failed append (LogAppendFailed) is thrown first.
   */
  async offerIfUnchanged(
    trip: Trip,
    choice: { driverId: string; score: number | null },
    decision: Promise<number>,
    timer?: StageTimer,
  ): Promise<MadeOffer | undefined> {
    const matching = this.policy.inForce().document.matching;
    const decisionIndex = await decision;
    timer?.lap('log_append');
    const written = await this.offers.offerIfUnchanged(this.db.manager, {
      tripId: trip.id, driverId: choice.driverId, seenOfferCount: trip.offerCount, decisionIndex,
      timeoutSeconds: matching.offerTimeoutSeconds, score: choice.score,
    });
    if (written.kind !== 'offered') {
      if (written.kind === 'driver_taken') throw new DriverTaken();
      return undefined;
    }
    timer?.lap('offer_write');
    return { trip: written.trip, offer: written.offer, decisionIndex };
  }

  /**
   * After the commit: pushes the offer, then marks the driver offered and schedules the deadline.
   * The presence write is sent before the push, so it reaches Redis ahead of any answer's write,
   * but not waited for. The deadline job is added after the push: a crash before it is added
   * leaves a pending offer without a job, which the sweeper expires (Sweeper: overdue offers).
   */
  async announceOffer({ trip, offer, decisionIndex }: MadeOffer, onPushed?: () => void): Promise<void> {
    const marked = this.presence.setAvailability(offer.driverId, 'offered', this.clock.nowMs(), PRESENCE_TTL_SECONDS);
    this.notifier.toDriver(offer.driverId, 'offer', offerPayload(trip, offer, decisionIndex));
    this.notifier.toRider(trip.riderId, 'trip:updated', { tripId: trip.id, status: trip.status });
    onPushed?.();
    await Promise.all([marked, this.deadlines.schedule(offer.id, offer.expiresAt.getTime() - this.clock.nowMs())]);
  }

  announceUnfulfilled(trip: Trip): void {
    this.outbox.relaySoon();
    this.notifier.toRider(trip.riderId, 'trip:updated', { tripId: trip.id, status: 'unfulfilled' });
  }

  /** The co-op median of earnings per online hour over the drivers online, for the fairness term. */
  fairnessMedian(nowMs: number): number {
    const version = this.supply.earningsVersion;
    const matching = this.policy.inForce().document.matching;
    const stale = version !== this.median.version && nowMs - this.median.atMs >= FAIRNESS_REFRESH_MS;
    if (stale || matching !== this.median.policy) {
      const drivers = this.supply.current(matching).all();
      this.median = { value: medianEarningsPerHour(drivers, matching.normalization.fairnessMinOnlineSeconds), atMs: nowMs, version, policy: matching };
    }
    return this.median.value;
  }
}
