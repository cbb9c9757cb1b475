import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, Principal } from '@coop/platform';
import { DispatchLatency } from '../offers/dispatch-latency';
import { DispatchService } from '../offers/dispatch.service';
import { OffersRepository } from '../offers/offers.repository';
import { Outbox } from '../outbox/outbox';
import { PresenceStore } from '../presence/presence.store';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { Clock } from '@coop/platform';
import { tripView } from './trip-view';
import { TripsRepository } from './trips.repository';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';

/** The rider's side of a trip: request from a quote, read, cancel. */
@Injectable()
export class TripsService {
  private readonly logger = new Logger('trips');

  constructor(
    private readonly db: DataSource,
    private readonly trips: TripsRepository,
    private readonly offers: OffersRepository,
    private readonly dispatch: DispatchService,
    private readonly notifier: RealtimeNotifier,
    private readonly presence: PresenceStore,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly latency: DispatchLatency,
  ) {}

  /**
   * Requests a trip from the rider's quote; the same quote twice returns the same trip. The trip
   * commits alone, in one statement; its first dispatch step follows (DispatchService.firstStep),
   * holding no connection while its decision is logged, and the answer comes after that step.
   */
  async request(riderId: string, quoteId: string): Promise<{ created: boolean; trip: ReturnType<typeof tripView> }> {
    const timer = this.latency.forRequest();
    // One statement, its own commit: the quote's checks, the trip, its history and its outbox event.
    const { created, trip } = await this.trips.requestFromQuote(this.db.manager, quoteId, riderId, new Date(this.clock.nowMs()));
    if (created) {
      timer.lap('request_commit');
      this.outbox.relaySoon();
      await this.dispatch.firstStep(trip, timer);
    }
    // The trip as requested (../shared/API.md); its offer, if any, reaches the rider on the socket.
    return { created, trip: tripView(trip) };
  }

  /** A trip, for its rider, its driver, or an admin. */
  async get(principal: Principal, tripId: string) {
    const trip = await this.trips.find(this.db.manager, tripId);
    if (!trip) throw new DomainError('TRIP_NOT_FOUND');
    const involved = trip.riderId === principal.memberId || trip.driverId === principal.memberId || principal.role === 'admin';
    if (!involved) throw new DomainError('TRIP_NOT_FOUND'); // no hint that someone else's trip exists
    return tripView(trip);
  }

  /** The rider cancels; a pending offer is withdrawn and an assigned driver is told. */
  async cancel(riderId: string, tripId: string, reason: string | undefined) {
    const outcome = await this.db.transaction(async (tx) => {
      const before = await this.trips.lock(tx, tripId);
      if (!before || before.riderId !== riderId) throw new DomainError('TRIP_NOT_FOUND');
      const trip = await this.trips.transition(tx, tripId, 'rider_cancelled', { cancelReason: reason, cancelledBy: 'rider' });
      if (!trip) {
        if (before.status === 'cancelled') return { trip: before, revokedOfferId: undefined, alreadyCancelled: true };
        throw new DomainError('TRIP_NOT_CANCELLABLE', `a trip that is ${before.status} cannot be cancelled`);
      }
      const pending = await this.offers.pendingForTrip(tx, tripId);
      if (pending) await this.offers.close(tx, pending.id, 'revoked', 'trip_cancelled');
      await this.trips.recordEvent(tx, {
        tripId, type: 'cancelled', from: before.status, to: 'cancelled', actorId: riderId, data: { reason: reason ?? null },
      });
      // When the driver was matched: the ledger's cancellation fee counts its grace period from it.
      const [{ matched_at: matchedAt }] = await tx.query(`SELECT matched_at FROM trips WHERE id = $1`, [tripId]);
      await this.outbox.write(tx, 'trip.cancelled', {
        tripId, riderId, driverId: before.driverId, statusBefore: before.status, cancelledBy: 'rider',
        kind: before.kind, vehicleKind: before.vehicleKind, matchedAt: matchedAt ? new Date(matchedAt).toISOString() : null,
        policyVersion: before.policyVersion, policyHash: before.policyHash, at: new Date(this.clock.nowMs()).toISOString(),
      });
      return { trip, revokedOfferId: pending?.id, revokedDriverId: pending?.driverId, alreadyCancelled: false };
    });
    if (!outcome.alreadyCancelled) {
      this.outbox.relaySoon();
      const now = this.clock.nowMs();
      if (outcome.revokedOfferId && 'revokedDriverId' in outcome && outcome.revokedDriverId) {
        this.notifier.toDriver(outcome.revokedDriverId, 'offer:revoked', { offerId: outcome.revokedOfferId, reason: 'trip_cancelled' });
        void this.presence.setAvailability(outcome.revokedDriverId, 'free', now, PRESENCE_TTL_SECONDS, { resetIdle: false });
      }
      const driverId = outcome.trip.driverId;
      if (driverId) {
        this.notifier.toDriver(driverId, 'trip:updated', { tripId, status: 'cancelled' });
        void this.presence.setAvailability(driverId, 'free', now, PRESENCE_TTL_SECONDS, { resetIdle: true });
      }
      this.notifier.toRider(riderId, 'trip:updated', { tripId, status: 'cancelled' });
    }
    return tripView(outcome.trip);
  }
}
