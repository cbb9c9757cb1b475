import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fareBreakdownFromJson, finalFare, moneyToJson, moneyTreeToJson, splitFare } from '@coop/money';
import { Clock, DomainError } from '@coop/platform';
import { Outbox } from '../outbox/outbox';
import { PolicyService } from '../policy/policy.service';
import { PresenceStore } from '../presence/presence.store';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { AdvanceFields, advanceTrip } from './trip-answers';
import { TripEvent } from './trip-state-machine';
import { tripView } from './trip-view';
import { toTrip, TripsRepository } from './trips.repository';

/**
 * The driver's side of a matched trip: arrived, started, completed (with the final fare). Each
 * change is one round trip (trip_advance: lock, check, move, history, outbox, one commit).
 */
@Injectable()
export class DriverTripsService {
  constructor(
    private readonly db: DataSource,
    private readonly trips: TripsRepository,
    private readonly policy: PolicyService,
    private readonly outbox: Outbox,
    private readonly notifier: RealtimeNotifier,
    private readonly presence: PresenceStore,
    private readonly clock: Clock,
  ) {}

  arrived(driverId: string, tripId: string) {
    return this.advance(driverId, tripId, 'driver_arrived');
  }

  started(driverId: string, tripId: string) {
    return this.advance(driverId, tripId, 'trip_started');
  }

  /**
   * Completes the trip: the final fare from the measured route, and `trip.completed` for the
   * ledger in the same commit. The fare is computed from the trip's quote and policy, read
   * first without a lock: both are fixed once the trip is requested, and trip_advance checks
   * the driver and the status again under its lock.
   */
  async completed(driverId: string, tripId: string, measured: { distanceMeters: number; durationSeconds: number }) {
    const basis = await this.trips.findWithQuotedFare(this.db.manager, tripId);
    if (!basis) throw new DomainError('TRIP_NOT_FOUND');
    const { trip: before, quotedFare } = basis;
    if (before.driverId !== driverId) throw new DomainError('NOT_YOUR_TRIP');
    const policy = (await this.policy.version(before.policyVersion))!;
    const fare = finalFare(policy.document.fares, fareBreakdownFromJson(quotedFare), measured, { routeChanged: false });
    const split = splitFare(policy.document.fares, fare.total);
    const trip = await this.advance(driverId, tripId, 'trip_completed', {
      finalFareAmount: fare.total.amount, distanceM: measured.distanceMeters, durationS: measured.durationSeconds,
      outbox: {
        topic: 'trip.completed',
        payload: {
          tripId, riderId: before.riderId, driverId, policyVersion: before.policyVersion, policyHash: before.policyHash,
          fare: moneyToJson(fare.total),
          quote: moneyToJson(fare.quoteTotal),
          rule: fare.rule,
          parts: {
            base: moneyToJson(fare.base), distance: moneyToJson(fare.distance), time: moneyToJson(fare.time),
            minimumTopUp: moneyToJson(fare.minimumTopUp), bookingFee: moneyToJson(fare.bookingFee),
            deliveryFee: moneyToJson(fare.deliveryFee), overrunWaived: moneyToJson(fare.overrunWaived),
          },
          split: { commission: moneyToJson(split.commission), commonFund: moneyToJson(split.commonFund), driver: moneyToJson(split.driver) },
          distanceMeters: measured.distanceMeters, durationSeconds: measured.durationSeconds,
          // The whole final fare (kinds, locked multiplier, cap, rule) for the ledger's posting.
          currency: fare.total.currency, breakdown: moneyTreeToJson(fare),
          completedAt: new Date(this.clock.nowMs()).toISOString(),
        },
      },
    });
    this.outbox.relaySoon();
    await this.presence.setAvailability(driverId, 'free', this.clock.nowMs(), PRESENCE_TTL_SECONDS, { resetIdle: true });
    return trip;
  }

  private async advance(driverId: string, tripId: string, event: TripEvent, fields?: AdvanceFields) {
    const trip = toTrip(await advanceTrip(this.db, tripId, driverId, event, fields));
    this.notifier.toRider(trip.riderId, 'trip:updated', { tripId, status: trip.status });
    return tripView(trip);
  }
}
