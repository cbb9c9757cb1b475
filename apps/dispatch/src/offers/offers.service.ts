import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, DomainError } from '@coop/platform';
import { PresenceStore } from '../presence/presence.store';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { tripView } from '../trips/trip-view';
import { acceptOffer, OfferPastDeadline } from '../trips/trip-answers';
import { Trip } from '../trips/trip.types';
import { toTrip, TripsRepository } from '../trips/trips.repository';
import { DispatchService } from './dispatch.service';
import { OfferDeadlines } from './offer-deadlines';
import { Offer } from './offer.types';
import { OffersRepository } from './offers.repository';

/** Why an offer can no longer be accepted or declined, by its state. */
function closedOfferError(offer: Offer): DomainError {
  switch (offer.state) {
    case 'expired':
      return new DomainError('OFFER_EXPIRED');
    case 'revoked':
      return new DomainError('OFFER_REVOKED');
    case 'accepted':
    case 'declined':
    case 'pending':
      return new DomainError('OFFER_ALREADY_ANSWERED');
  }
}

/**
 * A driver's answer to an offer, and the deadline when there is none. Every path locks the
 * trip row first, then the offer, so an accept, a cancel and a deadline on the same trip
 * queue behind each other and exactly one of them wins.
 */
@Injectable()
export class OffersService {
  constructor(
    private readonly db: DataSource,
    private readonly offers: OffersRepository,
    private readonly trips: TripsRepository,
    private readonly deadlines: OfferDeadlines,
    private readonly dispatch: DispatchService,
    private readonly notifier: RealtimeNotifier,
    private readonly presence: PresenceStore,
    private readonly clock: Clock,
  ) {}

  /**
   * The offer's driver takes the trip, in one round trip (trip_accept_offer: the same locks and
   * refusals as decline and the deadline). An offer found past its deadline is lapsed by the
   * deadline's own path before the driver hears OFFER_EXPIRED.
   */
  async accept(driverId: string, offerId: string) {
    let trip: Trip;
    try {
      trip = toTrip(await acceptOffer(this.db, offerId, driverId));
    } catch (error) {
      if (!(error instanceof OfferPastDeadline)) throw error;
      await this.expire(offerId);
      throw new DomainError('OFFER_EXPIRED');
    }
    void this.deadlines.cancel(offerId);
    await this.presence.setAvailability(driverId, 'on_trip', this.clock.nowMs(), PRESENCE_TTL_SECONDS, {
      trip: { tripId: trip.id, riderId: trip.riderId },
    });
    const driverNow = await this.presence.get(driverId);
    this.notifier.toRider(trip.riderId, 'trip:updated', {
      tripId: trip.id,
      status: trip.status,
      driver: { memberId: driverId, vehicle: driverNow?.vehicle, position: driverNow && { lat: driverNow.lat, lng: driverNow.lng } },
    });
    return tripView(trip);
  }

  async decline(driverId: string, offerId: string, reason: string | undefined): Promise<void> {
    const offer = await this.db.transaction(async (tx) => {
      const found = await this.offers.find(tx, offerId);
      if (!found) throw new DomainError('OFFER_NOT_FOUND');
      if (found.driverId !== driverId) throw new DomainError('NOT_YOUR_OFFER');
      await this.trips.lock(tx, found.tripId);
      const locked = (await this.offers.lock(tx, offerId))!;
      if (locked.state !== 'pending') throw closedOfferError(locked);
      await this.lapse(tx, locked, 'declined', reason);
      return locked;
    });
    void this.deadlines.cancel(offerId);
    this.afterLapse(offer, 'declined');
  }

  /**
   * The offer deadline job: expires the offer if still pending and past its deadline, and
   * looks for the next driver. Returns the milliseconds left when the job fired early.
   */
  async expire(offerId: string): Promise<{ expired: boolean; retryInMs?: number }> {
    const outcome = await this.db.transaction(async (tx) => {
      const found = await this.offers.find(tx, offerId);
      if (!found) return { expired: false };
      await this.trips.lock(tx, found.tripId);
      const offer = (await this.offers.lock(tx, offerId))!;
      if (offer.state !== 'pending') return { expired: false };
      if (!(await this.offers.isPastDeadline(tx, offerId))) {
        return { expired: false, retryInMs: Math.max(50, offer.expiresAt.getTime() - this.clock.nowMs()) };
      }
      await this.lapse(tx, offer, 'expired');
      return { expired: true, offer };
    });
    if (outcome.expired && outcome.offer) this.afterLapse(outcome.offer, 'expired');
    return { expired: outcome.expired, retryInMs: outcome.retryInMs };
  }

  private async lapse(tx: import('typeorm').EntityManager, offer: Offer, state: 'declined' | 'expired', reason?: string): Promise<void> {
    await this.offers.close(tx, offer.id, state, reason);
    await this.trips.transition(tx, offer.tripId, 'offer_lapsed');
    await this.trips.recordEvent(tx, {
      tripId: offer.tripId, type: `offer_${state}`, from: 'offered', to: 'requested', actorId: state === 'declined' ? offer.driverId : undefined,
      data: { offerId: offer.id, reason: reason ?? null },
    });
  }

  /** After a lapse commits: free the driver (idle time kept), tell them, find the next driver. */
  private afterLapse(offer: Offer, state: 'declined' | 'expired'): void {
    if (state === 'expired') this.notifier.toDriver(offer.driverId, 'offer:revoked', { offerId: offer.id, reason: 'expired' });
    void this.presence.setAvailability(offer.driverId, 'free', this.clock.nowMs(), PRESENCE_TTL_SECONDS, { resetIdle: false });
    this.dispatch.dispatchSoon(offer.tripId);
  }
}
