import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { auditControllers, auditProviders } from './audit/audit.providers';
import { DriverSessionService } from './drivers/driver-session.service';
import { DriversGateway } from './drivers/drivers.gateway';
import { DriverActivityRepository } from './fairness/driver-activity.repository';
import { FairnessStats } from './fairness/fairness-stats';
import { OsrmRouter } from './routing/osrm-router';
import { RoutedEtas } from './routing/routed-etas';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { liveProviders } from './live/live.providers';
import { Queues } from './jobs/queues';
import { Sweeper } from './jobs/sweeper';
import { MembersController } from './members/members.controller';
import { MembersRepository } from './members/members.repository';
import { MembersService } from './members/members.service';
import { BatchDispatcher } from './offers/batch-dispatcher';
import { DispatchService } from './offers/dispatch.service';
import { DispatchSteps } from './offers/dispatch-steps';
import { DispatchLatency } from './offers/dispatch-latency';
import { OfferDeadlineWorker } from './offers/offer-deadline.worker';
import { OfferDeadlines } from './offers/offer-deadlines';
import { OffersRepository } from './offers/offers.repository';
import { OffersService } from './offers/offers.service';
import { Outbox } from './outbox/outbox';
import { PolicyController } from './policy/policy.controller';
import { PolicyRepository } from './policy/policy.repository';
import { PolicyService } from './policy/policy.service';
import { PresenceReconciler } from './presence/presence-reconciler';
import { PresenceStore } from './presence/presence.store';
import { SupplyView } from './presence/supply-view';
import { QuotesController } from './quotes/quotes.controller';
import { QuotesRepository } from './quotes/quotes.repository';
import { QuotesService } from './quotes/quotes.service';
import { RealtimeNotifier } from './realtime/realtime.notifier';
import { RidersGateway } from './riders/riders.gateway';
import { DriverTripsService } from './trips/driver-trips.service';
import { TripsController } from './trips/trips.controller';
import { TripsRepository } from './trips/trips.repository';
import { PoolWarmup } from './trips/pool-warmup';
import { TripsService } from './trips/trips.service';

/** The realtime dispatch service: members, quotes, trips, offers, the driver and rider sockets. */
@Module({
  controllers: [...auditControllers, MembersController, PolicyController, QuotesController, TripsController],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    IdempotencyRepository,
    MembersRepository,
    MembersService,
    PolicyRepository,
    PolicyService,
    QuotesRepository,
    QuotesService,
    TripsRepository,
    PoolWarmup,
    TripsService,
    DriverTripsService,
    OffersRepository,
    OffersService,
    OfferDeadlines,
    OfferDeadlineWorker,
    DispatchSteps,
    DispatchLatency,
    DispatchService,
    BatchDispatcher,
    ...auditProviders,
    ...liveProviders,
    PresenceStore,
    PresenceReconciler,
    OsrmRouter,
    RoutedEtas,
    DriverActivityRepository,
    FairnessStats,
    SupplyView,
    DriverSessionService,
    RealtimeNotifier,
    DriversGateway,
    RidersGateway,
    Queues,
    Outbox,
    Sweeper,
  ],
  exports: [PolicyService, Queues],
})
export class DispatchModule {}
