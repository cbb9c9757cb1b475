import { Counter, Histogram, Registry, collectDefaultMetrics, Gauge } from 'prom-client';

/**
 * The process's Prometheus registry and the few instruments every app shares. Apps add
 * their own through `registry`. One registry per process (not the global one), so tests
 * that boot several apps in one process do not collide.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly socketEvents: Counter<'namespace' | 'event' | 'outcome'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.socketEvents = new Counter({
      name: 'socket_events_total',
      help: 'Socket events received, by outcome',
      labelNames: ['namespace', 'event', 'outcome'],
      registers: [this.registry],
    });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge; `collect`, when given, sets its values each time /metrics is read. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (gauge: Gauge<L>) => void): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect && { collect() { collect(this); } }) });
  }

  histogram<L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
