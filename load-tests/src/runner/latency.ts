import { Histogram, build } from 'hdr-histogram-js';

/** Percentiles of one measured quantity, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Values above an hour are recorded as an hour (they are failures anyway). */
const MAX_US = 3_600_000_000;

/**
 * Latencies in an HDR histogram (Gil Tene's HdrHistogram: fixed relative error, here 3
 * significant digits), recorded in microseconds and reported in milliseconds.
 */
export class LatencyRecorder {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_US,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one latency in milliseconds; a negative value (clock step) counts as zero. */
  record(ms: number): void {
    this.histogram.recordValue(Math.min(MAX_US, Math.max(0, Math.round(ms * 1000))));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  percentile(p: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(p) / 1000;
  }

  summary(): LatencySummary {
    if (this.count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.count,
      p50: ms(this.histogram.getValueAtPercentile(50)),
      p95: ms(this.histogram.getValueAtPercentile(95)),
      p99: ms(this.histogram.getValueAtPercentile(99)),
      max: ms(this.histogram.maxValue),
      mean: ms(this.histogram.mean),
    };
  }
}
