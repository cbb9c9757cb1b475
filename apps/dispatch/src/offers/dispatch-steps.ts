import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MatchRequest, MatchingPolicy, RingSearch, medianEarningsPerHour } from '@coop/matching';
import { Clock } from '@coop/platform';
import { PolicyService } from '../policy/policy.service';
import { PresenceStore } from '../presence/presence.store';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';
import { SupplyView } from '../presence/supply-view';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { Trip } from '../trips/trip.types';
import { TripsRepository } from '../trips/trips.repository';
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
 * The steps immediate and batch dispatch share: ending a search, writing an offer with its
 * deadline inside the caller's transaction, and announcing it after the commit.
 */
@Injectable()
export class DispatchSteps {
  private median: { value: number; atMs: number; version: number; policy?: MatchingPolicy } = { value: 0, atMs: -Infinity, version: -1 };

  constructor(
    private readonly trips: TripsRepository,
    private readonly offers: OffersRepository,
    private readonly supply: SupplyView,
    private readonly policy: PolicyService,
    private readonly presence: PresenceStore,
    private readonly deadlines: OfferDeadlines,
    private readonly notifier: RealtimeNotifier,
    private readonly clock: Clock,
  ) {}

  async markUnfulfilled(tx: EntityManager, trip: Trip): Promise<Trip> {
    const done = await this.trips.transition(tx, trip.id, 'search_exhausted', { cancelledBy: 'system' });
    await this.trips.recordEvent(tx, { tripId: trip.id, type: 'unfulfilled', from: trip.status, to: 'unfulfilled', data: { offers: trip.offerCount } });
    return done!;
  }

  /** Offers the trip to the driver; throws DriverTaken if a concurrent dispatch got them first. */
  async makeOffer(tx: EntityManager, trip: Trip, choice: { driverId: string; score: number | null }, decisionIndex: number, nowMs: number): Promise<MadeOffer> {
    const matching = this.policy.inForce().document.matching;
    const offer = await this.offers.insertPending(tx, {
      tripId: trip.id, driverId: choice.driverId, attempt: trip.offerCount + 1, decisionIndex, timeoutSeconds: matching.offerTimeoutSeconds,
    });
    // Undefined when a concurrent dispatch offered this driver another trip after our read:
    // the caller rolls back and decides again. The decision is already committed to the log
    // (durable before the offer) and stays there as a decision that led to no offer.
    if (!offer) throw new DriverTaken();
    const offered = await this.trips.transition(tx, trip.id, 'offer_made', { incrementOffers: true });
    await this.trips.recordEvent(tx, {
      tripId: trip.id, type: 'offer_made', from: 'requested', to: 'offered',
      data: { offerId: offer.id, driverId: choice.driverId, decisionIndex, score: choice.score },
    });
    // Scheduled before commit: if the commit fails, the job finds no pending offer and does nothing.
    await this.deadlines.schedule(offer.id, offer.expiresAt.getTime() - nowMs);
    return { trip: offered!, offer, decisionIndex };
  }

  /** Tells the driver and the rider, after the commit. */
  async announceOffer({ trip, offer, decisionIndex }: MadeOffer): Promise<void> {
    await this.presence.setAvailability(offer.driverId, 'offered', this.clock.nowMs(), PRESENCE_TTL_SECONDS);
    this.notifier.toDriver(offer.driverId, 'offer', offerPayload(trip, offer, decisionIndex));
    this.notifier.toRider(trip.riderId, 'trip:updated', { tripId: trip.id, status: trip.status });
  }

  announceUnfulfilled(trip: Trip): void {
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
