import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BatchDecisionRecord, copyPolicy, decideBatchFromInputs, recordRequest, uniqueDrivers } from '@coop/matching';
import { Clock, Metrics } from '@coop/platform';
import { LogAppender } from '../audit/log-appender';
import { Queues } from '../jobs/queues';
import { queueNames } from '../jobs/queue-names';
import { PolicyService } from '../policy/policy.service';
import { SupplyView } from '../presence/supply-view';
import { RoutedEtas } from '../routing/routed-etas';
import { Trip } from '../trips/trip.types';
import { TripsRepository } from '../trips/trips.repository';
import { DispatchSteps, DriverTaken, MadeOffer, matchRequestOf, searchExhausted, withDatabaseTruth } from './dispatch-steps';
import { OffersRepository } from './offers.repository';

/** Most trips one window decides; the rest wait for the next window, oldest first. */
const MAX_TRIPS_PER_WINDOW = 200;
const SCHEDULER_ID = 'batch-window';
/** How often the scheduler's period is compared with the policy's window. */
const RESCHEDULE_CHECK_MS = 1_000;

export interface WindowOutcome {
  considered: number;
  offered: number;
  unfulfilled: number;
  decisionIndex: number | null;
}

/**
 * Batch mode: every policy window, all trips waiting for a driver are matched at once against
 * their candidates by optimal assignment (libs/matching decideBatch), in one transaction that
 * locks those trips, logs the one batch decision and writes every offer. The decision is
 * committed by the LogAppender before any offer is written (durable before the offer); if an
 * offer then fails (DriverTaken), the window rolls back and is decided again, and the first
 * decision stays in the log as one that led to no offer. A BullMQ job scheduler ticks the
 * window, so one process decides each window however many run.
 */
@Injectable()
export class BatchDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('batch-dispatch');
  private scheduledEveryMs = 0;
  private rescheduler?: NodeJS.Timeout;
  private readonly windows;

  constructor(
    private readonly db: DataSource,
    private readonly queues: Queues,
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
    this.windows = metrics.counter('dispatch_batch_windows_total', 'Batch windows decided, by whether they offered anything', ['outcome']);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    this.queues.work(queueNames.dispatchBatch, () => this.tick(), 1);
    // Checked on a timer, not in the tick: after a vote from a long window to a short one, the
    // next tick could be a whole long window away.
    this.rescheduler = setInterval(() => {
      this.schedule().catch((error: Error) => this.logger.warn({ msg: 'rescheduling the batch window failed', error: error.message }));
    }, RESCHEDULE_CHECK_MS);
    this.rescheduler.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.rescheduler);
  }

  /** One tick of the scheduler: decides a window when the policy is in batch mode. */
  async tick(): Promise<WindowOutcome | undefined> {
    if (this.policy.inForce().document.matching.mode !== 'batch') return undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runWindow();
      } catch (error) {
        // A driver taken by an immediate dispatch (the policy just changed mode): decide again.
        if (!(error instanceof DriverTaken) || attempt >= 3) throw error;
      }
    }
  }

  /** Decides one window now (the scheduler calls it through tick; tests call it directly). */
  async runWindow(): Promise<WindowOutcome> {
    const result = await this.db.transaction(async (tx) => {
      const { version, hash, document } = this.policy.inForce();
      const matching = document.matching;
      const nowMs = this.clock.nowMs();
      const waiting = await this.trips.lockWaiting(tx, MAX_TRIPS_PER_WINDOW);
      const ended: Trip[] = [];
      const open: Trip[] = [];
      for (const trip of waiting) {
        if (searchExhausted(trip, matching, nowMs)) ended.push(await this.steps.markUnfulfilled(tx, trip));
        else open.push(trip);
      }
      if (!open.length) return { ended, made: [] as MadeOffer[], decisionIndex: null, considered: 0 };

      const asked = await this.offers.driversAlreadyAskedFor(tx, open.map((t) => t.id));
      const requests = open.map((trip) => matchRequestOf(trip, asked.get(trip.id) ?? []));
      const index = this.supply.current(matching);
      const found = requests.map((request) => index.search(request, nowMs));
      const busy = await this.offers.busyAmong(tx, [...new Set(found.flatMap((s) => s.drivers.map((d) => d.driverId)))]);
      const searches = found.map((search) => withDatabaseTruth(search, busy));
      // Road ETAs where a router is configured, one table request per waiting trip, in parallel.
      const routed = await Promise.all(searches.map((search, k) => this.routing.forSearch(search, open[k].pickup, nowMs)));
      const record: BatchDecisionRecord = decideBatchFromInputs({
        requests: requests.map((request, k) => ({ request: recordRequest(request), search: searches[k], routedEtas: routed[k] })),
        drivers: uniqueDrivers(searches.map((s) => s.drivers)),
        nowMs,
        policy: { version: String(version), hash, matching: copyPolicy(matching) },
        context: { medianEarningsPerHourMinor: this.steps.fairnessMedian(nowMs) },
      });
      // A window that assigns nobody is not logged: it offers nothing, and the trips wait on.
      if (record.assignedCount === 0) return { ended, made: [] as MadeOffer[], decisionIndex: null, considered: open.length };
      const decisionIndex = await this.log.appendDecision(record);
      const byId = new Map(open.map((t) => [t.id, t]));
      const made: MadeOffer[] = [];
      for (const pick of record.assignment) {
        if (pick.driverId === null) continue;
        made.push(await this.steps.makeOffer(tx, byId.get(pick.requestId)!, { driverId: pick.driverId, score: pick.score }, decisionIndex));
      }
      return { ended, made, decisionIndex, considered: open.length };
    });
    for (const offer of result.made) await this.steps.announceOffer(offer);
    for (const trip of result.ended) this.steps.announceUnfulfilled(trip);
    this.windows.inc({ outcome: result.made.length ? 'offered' : 'none' });
    if (result.made.length) this.logger.log({ msg: 'batch window decided', considered: result.considered, offered: result.made.length, decisionIndex: result.decisionIndex });
    return { considered: result.considered, offered: result.made.length, unfulfilled: result.ended.length, decisionIndex: result.decisionIndex };
  }

  /** Keeps the scheduler's period equal to the policy's window (members can vote it). */
  private async schedule(): Promise<void> {
    const everyMs = this.policy.inForce().document.matching.batchWindowMs;
    if (everyMs === this.scheduledEveryMs) return;
    await this.queues
      .queue(queueNames.dispatchBatch)
      .upsertJobScheduler(SCHEDULER_ID, { every: everyMs }, { name: 'window', opts: { removeOnComplete: 100, removeOnFail: 1000 } });
    this.scheduledEveryMs = everyMs;
  }
}
