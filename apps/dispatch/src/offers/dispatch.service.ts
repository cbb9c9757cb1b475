import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decideImmediate } from '@coop/matching';
import { Clock, Metrics } from '@coop/platform';
import { LogAppender } from '../audit/log-appender';
import { PolicyService } from '../policy/policy.service';
import { SupplyView } from '../presence/supply-view';
import { RoutedEtas } from '../routing/routed-etas';
import { Trip } from '../trips/trip.types';
import { TripsRepository } from '../trips/trips.repository';
import { DispatchSteps, DriverTaken, MadeOffer, matchRequestOf, searchExhausted, withDatabaseTruth } from './dispatch-steps';
import { OffersRepository } from './offers.repository';

type Outcome =
  | { kind: 'idle' }
  | { kind: 'deferred' }
  | { kind: 'no_candidate' }
  | { kind: 'exhausted'; trip: Trip }
  | ({ kind: 'offered' } & MadeOffer);

const MAX_ATTEMPTS = 3;

/**
 * One dispatch step for a trip that is waiting for a driver: ask the matching library for
 * a decision, log it, and offer the trip to the chosen driver. The step's transaction holds the
 * trip's row lock from the read to the offer, so no other step decides for the trip meanwhile.
 * The decision is logged through the group-commit LogAppender, which commits it in a log
 * transaction of its own and only then returns its index; the offer is written after that, so
 * the decision is durable before the offer exists, let alone goes out. If the offer then fails
 * (DriverTaken: a concurrent step took the driver), this transaction rolls back but the
 * decision stays in the log, as a decision that led to no offer, and the next attempt logs a
 * new one. In batch mode the step is deferred: the batch window (BatchDispatcher) decides for
 * every waiting trip.
 */
@Injectable()
export class DispatchService {
  private readonly logger = new Logger('dispatch');
  private readonly decisions;

  constructor(
    private readonly db: DataSource,
    private readonly trips: TripsRepository,
    private readonly offers: OffersRepository,
    private readonly log: LogAppender,
    private readonly supply: SupplyView,
    private readonly policy: PolicyService,
    private readonly steps: DispatchSteps,
    private readonly routing: RoutedEtas,
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
    if (this.policy.inForce().document.matching.mode === 'batch') return 'deferred';
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.step(tripId);
        this.decisions.inc({ outcome: outcome.kind });
        if (outcome.kind === 'offered') await this.steps.announceOffer(outcome);
        if (outcome.kind === 'exhausted') this.steps.announceUnfulfilled(outcome.trip);
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
      if (searchExhausted(trip, matching, nowMs)) return { kind: 'exhausted', trip: await this.steps.markUnfulfilled(tx, trip) };
      const request = matchRequestOf(trip, await this.offers.driversAlreadyAsked(tx, tripId));
      const found = this.supply.current(matching).search(request, nowMs);
      const search = withDatabaseTruth(found, await this.offers.busyAmong(tx, found.drivers.map((d) => d.driverId)));
      // Asked under the trip's row lock so the ETAs belong to this very search; the wait is
      // bounded by OSRM_TIMEOUT_MS, after which the ETA model stands in.
      const routedEtas = await this.routing.forSearch(search, trip.pickup, nowMs);
      const record = decideImmediate({
        request,
        supply: search,
        nowMs,
        policy: matching,
        policyRef: { version: String(version), hash },
        fairness: { medianEarningsPerHourMinor: this.steps.fairnessMedian(nowMs) },
        routedEtas,
      });
      const driverId = record.choice.driverId;
      if (!driverId) return { kind: 'no_candidate' };
      // Committed (by the appender's own connection) before this returns; a failed batch throws
      // LogAppendFailed, which rolls this transaction back with no offer.
      const decisionIndex = await this.log.appendDecision(record, tripId);
      return { kind: 'offered', ...(await this.steps.makeOffer(tx, trip, { driverId, score: record.choice.score }, decisionIndex, nowMs)) };
    });
  }
}
