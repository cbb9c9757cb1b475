import { randomUUID } from 'node:crypto';
import { ApiClient, ApiError } from './api-client';
import { Quote, TripUpdate, TripView, terminalStatuses } from './contract';
import { Point } from './geo';
import { SocketLink } from './socket-link';

export type RiderEvent =
  | { type: 'update'; update: TripUpdate; atMs: number }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnected'; url: string };

export interface RiderBotOptions {
  name: string;
  /** The node to connect to, or several: the first, then the others in turn after a drop. */
  url: string | readonly string[];
  api: ApiClient;
  token: string;
  memberId: string;
  reconnect?: boolean;
  listener?: (bot: RiderBot, event: RiderEvent) => void;
}

/**
 * A simulated rider: asks for a quote, requests the trip, and follows its `trip:updated`
 * pushes on the `/riders` socket until it ends.
 */
export class RiderBot {
  readonly link: SocketLink;
  private readonly waiters = new Map<string, Array<(u: TripUpdate) => void>>();
  /** Final statuses already pushed, for a caller that starts waiting after the push. */
  private readonly finished = new Map<string, TripUpdate>();

  constructor(private readonly o: RiderBotOptions) {
    this.link = new SocketLink(o.url, '/riders', o.token, { reconnect: o.reconnect });
  }

  get name(): string {
    return this.o.name;
  }

  async connect(): Promise<void> {
    this.link.on('trip:updated', (update: TripUpdate) => this.updated(update));
    this.link.onDrop((reason) => this.o.listener?.(this, { type: 'disconnected', reason }));
    this.link.onReconnect((url) => {
      this.o.listener?.(this, { type: 'reconnected', url });
      void this.catchUp();
    });
    await this.link.connect();
  }

  private updated(update: TripUpdate): void {
    this.o.listener?.(this, { type: 'update', update, atMs: Date.now() });
    if (terminalStatuses.has(update.status)) {
      this.finished.set(update.tripId, update);
      for (const resolve of this.waiters.get(update.tripId) ?? []) resolve(update);
      this.waiters.delete(update.tripId);
    }
  }

  /** Pushes sent while the socket was down are gone: read the awaited trips' status instead. */
  private async catchUp(): Promise<void> {
    for (const tripId of [...this.waiters.keys()]) {
      try {
        const view = await this.trip(tripId);
        this.updated({ tripId, status: view.status, driver: view.driver });
      } catch {
        // untilDone reads it again at its timeout
      }
    }
  }

  quote(pickup: Point, dropoff: Point): Promise<Quote> {
    return this.o.api.call<Quote>('POST', '/v1/quotes', { token: this.o.token, body: { kind: 'ride', pickup, dropoff } });
  }

  /**
   * Requests the trip under an Idempotency-Key. When the answer is lost with the node that
   * was handling it (the connection dropped), the same request goes again, to another node
   * once the client has failed over: the server either finishes it once or answers the stored
   * result. A claim the dead node left behind reads "in progress" until it is stale (60 s),
   * so the retries go on for `retryForMs`.
   */
  async request(quoteId: string, retryForMs = 0): Promise<{ tripId: string; status: string }> {
    const headers = { 'idempotency-key': randomUUID() };
    const deadline = Date.now() + retryForMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.o.api.call('POST', '/v1/trips', { token: this.o.token, body: { quoteId }, headers });
      } catch (error) {
        const retryable = error instanceof ApiError && (error.code === 'NETWORK' || error.code === 'IDEMPOTENCY_IN_PROGRESS');
        if (!retryable || Date.now() > deadline) throw error;
        this.retries++;
        await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** attempt)));
      }
    }
  }

  /** Trip requests sent again after a lost answer. */
  retries = 0;

  trip(tripId: string): Promise<TripView> {
    return this.o.api.call<TripView>('GET', `/v1/trips/${tripId}`, { token: this.o.token });
  }

  cancel(tripId: string, reason?: string): Promise<TripView> {
    return this.o.api.call<TripView>('POST', `/v1/trips/${tripId}/cancel`, { token: this.o.token, body: reason ? { reason } : {} });
  }

  /**
   * Resolves with the trip's final status: pushed on the socket, or read over HTTP when the
   * push does not come within `timeoutMs` (a dropped socket must not leave a rider waiting).
   */
  async untilDone(tripId: string, timeoutMs: number): Promise<TripView['status']> {
    const already = this.finished.get(tripId);
    if (already) return already.status;
    const pushed = new Promise<TripUpdate>((resolve) => {
      const list = this.waiters.get(tripId) ?? [];
      list.push(resolve);
      this.waiters.set(tripId, list);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs).unref()));
    const update = await Promise.race([pushed, timedOut]);
    clearTimeout(timer);
    this.waiters.delete(tripId);
    return update?.status ?? (await this.trip(tripId)).status;
  }

  close(): void {
    this.link.close();
  }
}
