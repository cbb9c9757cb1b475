import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { Histogram } from 'prom-client';
import { Metrics } from '@coop/platform';

/**
 * The stages between a trip request and its offer on the driver's socket, in order. Each is
 * observed as the time since the previous one, so they add up to `request_to_offer`.
 */
export type DispatchStage =
  | 'request_commit' // the rider's request: quote read, trip row, history, outbox, in one statement and its commit
  | 'search' // (a later step: read the trip) find candidates, ask the database who is busy, decide
  | 'log_append' // the decision group-committed to the transparency log
  | 'offer_write' // the fenced offer: offer row, the trip's status and history, in one statement and its commit
  | 'announce'; // offer pushed to the driver's room (presence and deadline follow, not timed)

const BUCKETS = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048];

/** Times one dispatch, lap by lap; elapsed time is performance.now(), never the domain clock. */
export class StageTimer {
  private readonly startedAt = performance.now();
  private lastAt = this.startedAt;

  constructor(
    private readonly stages: Histogram<'stage'>,
    private readonly total?: Histogram,
  ) {}

  /** Records the time since the previous lap under `stage`. */
  lap(stage: DispatchStage): void {
    const now = performance.now();
    this.stages.observe({ stage }, (now - this.lastAt) / 1000);
    this.lastAt = now;
  }

  /** Records the whole request-to-offer time (only for a dispatch that began with a request). */
  finish(): void {
    this.total?.observe((performance.now() - this.startedAt) / 1000);
  }
}

/** Histograms in /metrics: per stage, and the server's side of request-to-offer. */
@Injectable()
export class DispatchLatency {
  private readonly stages: Histogram<'stage'>;
  private readonly total: Histogram;

  constructor(metrics: Metrics) {
    this.stages = metrics.histogram('dispatch_offer_stage_seconds', 'Time spent in each stage from a trip request to its offer emit', BUCKETS, ['stage']);
    this.total = metrics.histogram('dispatch_request_to_offer_seconds', 'From the trip request reaching the service to the offer emitted to the driver', BUCKETS);
  }

  /** A timer started at a trip request: its laps run to the offer's emit. */
  forRequest(): StageTimer {
    return new StageTimer(this.stages, this.total);
  }

  /** A timer for a later dispatch step (after a decline, a lapse, the sweeper): stages only. */
  forStep(): StageTimer {
    return new StageTimer(this.stages);
  }
}
