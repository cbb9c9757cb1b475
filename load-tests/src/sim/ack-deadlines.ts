/** A call waiting for its ack. */
export interface PendingAck {
  settled: boolean;
  deadlineMs: number;
  /** Ends the call with an AckError of this code (ACK_TIMEOUT here; DISCONNECTED from the link). */
  fail(code: 'ACK_TIMEOUT' | 'DISCONNECTED'): void;
}

/**
 * The ack timeouts of every call with the same timeout, kept by one timer for the whole
 * process instead of a timer per call. Calls join in the order they are made, so their
 * deadlines are in order too, and a sweep only looks at the front. A timeout fires up to
 * `sweepMs` late (200 ms of a 10 s timeout).
 */
export class AckDeadlines {
  private queue: PendingAck[] = [];
  private head = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sweepMs = 200,
    private readonly now: () => number = Date.now,
  ) {}

  add(pending: PendingAck): void {
    this.queue.push(pending);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.sweepMs);
      this.timer.unref(); // pending calls do not keep a process alive; their sockets do
    }
  }

  /** Fails the calls whose deadline has passed; the settled ones are dropped as they reach the front. */
  sweep(): void {
    const now = this.now();
    while (this.head < this.queue.length) {
      const p = this.queue[this.head];
      if (!p.settled && p.deadlineMs > now) break;
      this.head++;
      if (!p.settled) p.fail('ACK_TIMEOUT');
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      clearInterval(this.timer);
      this.timer = undefined;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.queue.length - this.head;
  }
}

const byTimeout = new Map<number, AckDeadlines>();

/** The process's deadline sweep for calls timing out after `timeoutMs`. */
export function ackDeadlines(timeoutMs: number): AckDeadlines {
  let d = byTimeout.get(timeoutMs);
  if (!d) byTimeout.set(timeoutMs, (d = new AckDeadlines()));
  return d;
}
