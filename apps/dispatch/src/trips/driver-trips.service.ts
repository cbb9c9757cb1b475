import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { fareBreakdownFromJson, finalFare, moneyToJson, moneyTreeToJson, splitFare } from '@coop/money';
import { Clock, DomainError } from '@coop/platform';
import { Outbox } from '../outbox/outbox';
import { PolicyService } from '../policy/policy.service';
import { PresenceStore } from '../presence/presence.store';
import { PRESENCE_TTL_SECONDS } from '../presence/presence.constants';
import { QuotesRepository } from '../quotes/quotes.repository';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { Trip } from './trip.types';
import { TripEvent } from './trip-state-machine';
import { tripView } from './trip-view';
import { TripsRepository } from './trips.repository';

/** The driver's side of a matched trip: arrived, started, completed (with the final fare). */
@Injectable()
export class DriverTripsService {
  constructor(
    private readonly db: DataSource,
    private readonly trips: TripsRepository,
    private readonly quotes: QuotesRepository,
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

  /** Completes the trip: the final fare from the measured route, and `trip.completed` for the ledger. */
  async completed(driverId: string, tripId: string, measured: { distanceMeters: number; durationSeconds: number }) {
    const trip = await this.advance(driverId, tripId, 'trip_completed', async (tx, before) => {
      const quote = (await this.quotes.find(tx, before.quoteId))!;
      const policy = (await this.policy.version(before.policyVersion))!;
      const fare = finalFare(policy.document.fares, fareBreakdownFromJson(quote.fareBreakdown), measured, { routeChanged: false });
      const split = splitFare(policy.document.fares, fare.total);
      return {
        fields: { finalFareAmount: fare.total.amount, distanceM: measured.distanceMeters, durationS: measured.durationSeconds },
        after: async (done: Trip) => {
          await this.outbox.write(tx, 'trip.completed', {
            tripId, riderId: done.riderId, driverId, policyVersion: done.policyVersion, policyHash: done.policyHash,
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
          });
        },
      };
    });
    this.outbox.relaySoon();
    await this.presence.setAvailability(driverId, 'free', this.clock.nowMs(), PRESENCE_TTL_SECONDS, { resetIdle: true });
    return trip;
  }

  private async advance(
    driverId: string,
    tripId: string,
    event: TripEvent,
    prepare?: (tx: EntityManager, before: Trip) => Promise<{ fields: Parameters<TripsRepository['transition']>[3]; after: (t: Trip) => Promise<void> }>,
  ) {
    const trip = await this.db.transaction(async (tx) => {
      const before = await this.trips.lock(tx, tripId);
      if (!before) throw new DomainError('TRIP_NOT_FOUND');
      if (before.driverId !== driverId) throw new DomainError('NOT_YOUR_TRIP');
      const prepared = prepare ? await prepare(tx, before) : undefined;
      const after = await this.trips.transition(tx, tripId, event, prepared?.fields);
      if (!after) {
        throw new DomainError(before.status === 'cancelled' ? 'TRIP_CANCELLED' : 'INVALID_TRANSITION',
          `cannot ${event.replace('_', ' ')} a trip that is ${before.status}`);
      }
      await this.trips.recordEvent(tx, { tripId, type: event, from: before.status, to: after.status, actorId: driverId });
      await prepared?.after(after);
      return after;
    });
    this.notifier.toRider(trip.riderId, 'trip:updated', { tripId, status: trip.status });
    return tripView(trip);
  }
}
