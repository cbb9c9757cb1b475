import { LatencyRecorder } from './latency';

/** Everything a system run counts and times; the report is made from it. */
export class RunMetrics {
  readonly requestToOffer = new LatencyRecorder();
  readonly acceptToRider = new LatencyRecorder();
  readonly fixAck = new LatencyRecorder();
  readonly quote = new LatencyRecorder();
  readonly tripRequest = new LatencyRecorder();

  /** On between the first scheduled arrival and the end of the drain. */
  measuring = false;
  requestsScheduled = 0;
  /** Arrivals that found every rider of the pool still on a trip: the generator's shortfall, not the system's. */
  arrivalsWithoutFreeRider = 0;
  requestsSent = 0;
  requestsFailed = 0;
  /** Arrivals whose rider still had an open trip from an earlier run (left out of the pool). */
  ridersOnEarlierTrips = 0;
  offersReceived = 0;
  declinedBusy = 0;
  matched = 0;
  completed = 0;
  disconnects = 0;
  /** Drops by socket.io-client's reason ("ping timeout": no ping from the server in time; "transport close": the connection closed). */
  readonly disconnectReasons = new Map<string, number>();
  /** Calls cut off by a dropped socket (the bots pick the trip up again after the reconnect). */
  interrupted = 0;
  /** Trip requests sent again (same Idempotency-Key) after their answer was lost with a node. */
  requestRetries = 0;
  /** Reconnections after a drop, by member kind and the node reached. */
  readonly reconnects = new Map<string, number>();
  /** Calls that got an answer, ok or not: the error rate's denominator. */
  operations = 0;
  readonly errors = new Map<string, number>();
  /** The first few errors with their time, to tell a burst from a trickle. */
  readonly firstErrors: Array<{ at: string; what: string }> = [];

  /** A refused or failed call, counted by where it happened and its code. */
  error(during: string, code: string): void {
    const key = `${this.measuring ? '' : 'outside the measured window: '}${during}: ${code}`;
    if (this.firstErrors.length < 20) this.firstErrors.push({ at: new Date().toISOString(), what: key });
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    this.operations++;
  }

  /** A socket dropped without the run asking for it. */
  disconnected(kind: 'driver' | 'rider', reason: string): void {
    this.disconnects++;
    const key = `${kind}: ${reason}${this.measuring ? '' : ' (outside the measured window)'}`;
    this.disconnectReasons.set(key, (this.disconnectReasons.get(key) ?? 0) + 1);
  }

  reconnected(kind: 'driver' | 'rider', url: string): void {
    const key = `${kind} -> ${url}`;
    this.reconnects.set(key, (this.reconnects.get(key) ?? 0) + 1);
  }

  ok(): void {
    this.operations++;
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }
}
