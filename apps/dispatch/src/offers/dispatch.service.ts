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
import { DispatchLatency, StageTimer } from './dispatch-latency';
import { OffersRepository } from './offers.repository';

export type Outcome =
  | { kind: 'idle' }
  | { kind: 'deferred' }
  | { kind: 'no_candidate' }
  | { kind: 'superseded' } // decided and logged, but the trip moved on before the offer was written
  | { kind: 'exhausted'; trip: Trip }
  | ({ kind: 'offered' } & MadeOffer);

const MAX_ATTEMPTS = 3;

/**
 * One dispatch step for a trip that is waiting for a driver: read the trip, ask the matching
 * library for a decision, log it, and offer the trip to the chosen driver. The step holds no
 * lock and no pooled connection while it decides or while the decision is group-committed to
 * the transparency log (LogAppender resolves only once its own log transaction committed).
 * The offer is then written by one statement that fences itself (DispatchSteps.offerIfUnchanged):
 * it writes only if the trip is still waiting with the offer count this step read. So the
 * decision is durable before the offer exists, two steps deciding for one trip at once (a
 * decline's and the sweeper's) make one offer between them, and the loser's decision stays in
 * the log as one that led to no offer (superseded), as does one whose driver a concurrent step
 * took meanwhile (DriverTaken: this step decides again). In batch mode the step is deferred:
 * the batch window (BatchDispatcher) decides for every waiting trip.
 *
 * A new trip's first step runs right after its request committed, from the row the request
 * returned (firstStep), so the request holds a connection for its one statement only.
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
    const outcome = await this.run(tripId, undefined, timer);
    await this.announce(outcome, timer);
    return outcome.kind;
  }

  /**
   * The first step for a trip its request just committed, from the row the request returned;
   * the outcome is announced without waiting for the presence mark and the deadline job. It
   * never throws: the trip is stored whatever happens here, so a failed step (the log batch
   * failed, the driver was taken three times) is logged and the trip dispatched again in the
   * background (dispatchSoon; the sweeper behind it).
   */
  async firstStep(trip: Trip, timer: StageTimer): Promise<void> {
    try {
      this.announceSoon(await this.run(trip.id, trip, timer), timer);
    } catch (error) {
      this.logger.warn({ msg: 'first dispatch step failed; dispatching again', tripId: trip.id, error: (error as Error).message });
      this.dispatchSoon(trip.id);
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
      await this.steps.announceOffer(outcome, () => {
        timer.lap('announce');
        timer.finish();
      });
    }
    if (outcome.kind === 'exhausted') this.steps.announceUnfulfilled(outcome.trip);
  }

  /** Steps until one does not lose its driver to a concurrent step; `known` is the trip as just read. */
  private async run(tripId: string, known: Trip | undefined, timer: StageTimer): Promise<Outcome> {
    if (this.policy.inForce().document.matching.mode === 'batch') return { kind: 'deferred' };
    for (let attempt = 1; ; attempt++) {
      try {
        const trip = attempt === 1 && known ? known : await this.trips.find(this.db.manager, tripId);
        if (!trip || trip.status !== 'requested') return { kind: 'idle' };
        return await this.step(trip, timer);
      } catch (error) {
        if (!(error instanceof DriverTaken) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Decides for a waiting trip as read (no lock held) and writes the offer if the trip is unchanged. */
  private async step(trip: Trip, timer: StageTimer): Promise<Outcome> {
    const { version, hash, document } = this.policy.inForce();
    const matching = document.matching;
    const nowMs = this.clock.nowMs();
    if (searchExhausted(trip, matching, nowMs)) return this.endSearch(trip);
    // Every offer adds one to the count: with none made, no one was asked yet.
    const alreadyAsked = trip.offerCount === 0 ? [] : await this.offers.driversAlreadyAsked(this.db.manager, trip.id);
    const request = matchRequestOf(trip, alreadyAsked);
    const found = this.supply.current(matching).search(request, nowMs);
    const search = withDatabaseTruth(found, await this.offers.busyAmong(this.db.manager, found.drivers.map((d) => d.driverId)));
    // The wait is bounded by OSRM_TIMEOUT_MS, after which the ETA model stands in.
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
    // The append resolves once the decision is committed to the log; a failed batch rejects
    // with LogAppendFailed, and no offer is written.
    const decision = this.log.appendDecision(record, trip.id);
    const made = await this.steps.offerIfUnchanged(trip, { driverId, score: record.choice.score }, decision, timer);
    return made ? { kind: 'offered', ...made } : { kind: 'superseded' };
  }

  /** Ends the search under the trip's lock, unless another step moved the trip since it was read. */
  private async endSearch(seen: Trip): Promise<Outcome> {
    return this.db.transaction(async (tx): Promise<Outcome> => {
      const trip = await this.trips.lock(tx, seen.id);
      if (!trip || trip.status !== 'requested' || trip.offerCount !== seen.offerCount) return { kind: 'idle' };
      return { kind: 'exhausted', trip: await this.steps.markUnfulfilled(tx, trip) };
    });
  }
}
