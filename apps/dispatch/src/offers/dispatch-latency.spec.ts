import { Metrics } from '@coop/platform';
import { DispatchLatency } from './dispatch-latency';

async function observed(metrics: Metrics) {
  const stages = (await metrics.registry.getSingleMetric('dispatch_offer_stage_seconds')!.get()).values;
  const total = (await metrics.registry.getSingleMetric('dispatch_request_to_offer_seconds')!.get()).values;
  // A histogram's values carry the series name (…_sum, …_count) beside the labels.
  const named = (v: (typeof stages)[number], suffix: string) => ((v as { metricName?: string }).metricName ?? '').endsWith(suffix);
  const sum = (values: typeof stages, stage?: string) =>
    values.filter((v) => named(v, '_sum') && (stage === undefined || v.labels.stage === stage)).reduce((a, v) => a + v.value, 0);
  const count = (values: typeof stages, stage?: string) =>
    values.filter((v) => named(v, '_count') && (stage === undefined || v.labels.stage === stage)).reduce((a, v) => a + v.value, 0);
  return { stages, total, sum, count };
}

const busyWait = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('dispatch latency stages', () => {
  it('records each lap under its stage, and the laps of a request add up to its total', async () => {
    const metrics = new Metrics();
    const timer = new DispatchLatency(metrics).forRequest();
    busyWait(3);
    timer.lap('request_commit');
    busyWait(2);
    timer.lap('log_append');
    timer.finish();

    const { stages, total, sum, count } = await observed(metrics);
    expect(count(stages, 'request_commit')).toBe(1);
    expect(count(stages, 'log_append')).toBe(1);
    expect(sum(stages, 'request_commit')).toBeGreaterThanOrEqual(0.003);
    expect(sum(stages, 'log_append')).toBeGreaterThanOrEqual(0.002);
    expect(count(total)).toBe(1);
    // The total runs from the start to finish(): at least the laps, and not much more here.
    expect(sum(total)).toBeGreaterThanOrEqual(sum(stages));
    expect(sum(total) - sum(stages)).toBeLessThan(0.05);
  });

  it('records a later step in the stages only', async () => {
    const metrics = new Metrics();
    const timer = new DispatchLatency(metrics).forStep();
    timer.lap('search');
    timer.finish();
    const { stages, total, count } = await observed(metrics);
    expect(count(stages, 'search')).toBe(1);
    expect(count(total)).toBe(0);
  });
});
