import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { decideImmediate } from '@coop/matching';
import { Clock, Metrics } from '@coop/platform';
import { LogAppender } from '../audit/log-appender';
import { PolicyService } from '../policy/policy.service';
import { SupplyView } from '../presence/supply-view';
import { RoutedEtas } from '../routing/routed-etas';
import { Trip } from '../trips/trip.types';
import { TripsRepository } from '../trips/trips.repository';
import { DispatchSteps, DriverTaken, MadeOffer, matchRequestOf, searchExhausted, withDatabaseTruth } from './dispatch-steps';
import { DispatchLatency, StageTimer } from './dispatch-latency';
import { OfferWithoutTrip } from './offer-write';
import { OffersRepository } from './offers.repository';

export type Outcome =
  | { kind: 'idle' }
  | { kind: 'deferred' }
  | { kind: 'no_candidate' }
  | { kind: 'exhausted'; trip: Trip }
  | ({ kind: 'offered' } & MadeOffer);

const MAX_ATTEMPTS = 3;

/**
 * Whether a dispatch step's failure left its transaction as it was: true for the failures
 * thrown before any write or by a statement that wrote nothing (DriverTaken, LogAppendFailed,
 * an error in the decision's own code); false for a failed statement, which aborts a
 * PostgreSQL transaction, and for an offer written without its trip's status change.
 */
export function leavesTransactionUsable(error: unknown): boolean {
  return !(error instanceof QueryFailedError) && !(error instanceof OfferWithoutTrip);
}

/**
 * One dispatch step for a trip that is waiting for a driver: ask the matching library for
 * a decision, log it, and offer the trip to the chosen driver. The step's transaction holds the
 * trip's row lock from the read to the offer, so no other step decides for the trip meanwhile.
 * The decision is logged through the group-commit LogAppender, which commits it in a log
 * transaction of its own and only then returns its index; the offer row is written after that
 * and this transaction commits after it, so the decision is durable before the offer exists
 * for anyone, let alone goes out. If the offer then fails (DriverTaken: a concurrent step took
 * the driver), this transaction rolls back but the decision stays in the log, as a decision
 * that led to no offer, and the next attempt logs a new one. In batch mode the step is
 * deferred: the batch window (BatchDispatcher) decides for every waiting trip.
 *
 * A new trip's first step runs inside the transaction that creates it (firstStep): the trip
 * row is not visible to any other step until that commit, so it needs no lock, and the
 * request and its offer share one commit instead of two.
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
    private readonly latency: DispatchLatency,
    metrics: Metrics,
  ) {
    this.decisions = metrics.counter('dispatch_decisions_total', 'Dispatch steps by outcome', ['outcome']);
  }

  /** Runs a dispatch step in the background; failures are logged and the sweeper retries. */
  dispatchSoon(tripId: string, timer?: StageTimer): void {
    this.dispatch(tripId, timer).catch((error: Error) =>
      this.logger.error({ msg: 'dispatch failed; the sweeper will retry', tripId, error: error.message }),
    );
  }

  async dispatch(tripId: string, timer: StageTimer = this.latency.forStep()): Promise<Outcome['kind']> {
    if (this.policy.inForce().document.matching.mode === 'batch') return 'deferred';
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.db.transaction(async (tx): Promise<Outcome> => {
          const trip = await this.trips.lock(tx, tripId);
          if (!trip || trip.status !== 'requested') return { kind: 'idle' };
          return this.decide(tx, trip, await this.offers.driversAlreadyAsked(tx, tripId), timer);
        });
        await this.announce(outcome, timer);
        return outcome.kind;
      } catch (error) {
        if (!(error instanceof DriverTaken) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * The first step for a trip inserted by `tx` and not committed yet. No savepoint: until its
   * one offer statement, the step only reads, and that statement writes all or nothing, so a
   * step that fails before it (the log batch failed; the driver was taken three times) leaves
   * `tx` as it found it, with the trip requested. It returns undefined then, for the caller to
   * dispatch again after its commit (dispatchSoon; the sweeper behind it). A failed statement
   * (QueryFailedError) or a broken invariant aborts `tx`: the error goes up and the request fails
   * whole, trip included. Announce the outcome with `announce` once `tx` committed. The decision
   * is committed to the log before `tx`: if `tx` then fails to commit, the log keeps a decision
   * naming a trip that was never stored, like a DriverTaken's, a decision that led to no offer.
   */
  async firstStep(tx: EntityManager, trip: Trip, timer: StageTimer): Promise<Outcome | undefined> {
    if (this.policy.inForce().document.matching.mode === 'batch') return { kind: 'deferred' };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.decide(tx, trip, [], timer);
      } catch (error) {
        if (error instanceof DriverTaken && attempt < MAX_ATTEMPTS) continue;
        if (!leavesTransactionUsable(error)) throw error;
        this.logger.warn({ msg: 'first dispatch step failed; dispatching again after the request commits', tripId: trip.id, error: (error as Error).message });
        return undefined;
      }
    }
  }

  /** `announce` without making the caller wait or fail: the push goes out before this returns. */
  announceSoon(outcome: Outcome, timer: StageTimer): void {
    this.announce(outcome, timer).catch((error: Error) =>
      this.logger.warn({ msg: 'offer pushed, but its presence mark or deadline job failed; the sweeper covers it', error: error.message }),
    );
  }

  /** After the step's commit: counts the outcome and tells the driver and rider. */
  async announce(outcome: Outcome, timer: StageTimer): Promise<void> {
    this.decisions.inc({ outcome: outcome.kind });
    if (outcome.kind === 'offered') {
      timer.lap('offer_commit');
      await this.steps.announceOffer(outcome, () => {
        timer.lap('announce');
        timer.finish();
      });
    }
    if (outcome.kind === 'exhausted') this.steps.announceUnfulfilled(outcome.trip);
  }

  /** Decides for a trip this transaction holds (locked, or inserted by it) and writes the offer. */
  private async decide(tx: EntityManager, trip: Trip, alreadyAsked: string[], timer: StageTimer): Promise<Outcome> {
    const { version, hash, document } = this.policy.inForce();
    const matching = document.matching;
    const nowMs = this.clock.nowMs();
    if (searchExhausted(trip, matching, nowMs)) return { kind: 'exhausted', trip: await this.steps.markUnfulfilled(tx, trip) };
    const request = matchRequestOf(trip, alreadyAsked);
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
    timer.lap('search');
    // Committed (by the appender's own connection) before it resolves; makeOffer writes nothing
    // before that, and a failed batch rejects with LogAppendFailed: no offer.
    const decision = this.log.appendDecision(record, trip.id);
    return { kind: 'offered', ...(await this.steps.makeOffer(tx, trip, { driverId, score: record.choice.score }, decision, timer)) };
  }
}
