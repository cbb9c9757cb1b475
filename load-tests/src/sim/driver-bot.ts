import { ApiClient } from './api-client';
import { Money, Offer, TripView } from './contract';
import { Point, along, distanceMetres, randomPointWithin, round6, rounded } from './geo';
import { fixClock } from './fix-clock';
import { Prng } from './prng';
import { AckError, SocketLink } from './socket-link';

/** What a driver bot saw or did, for a log line or a latency histogram. */
export type DriverEvent =
  | { type: 'online' }
  | { type: 'offer'; offer: Offer; atMs: number; distanceToPickupM: number }
  | { type: 'accept-sent'; offer: Offer; atMs: number }
  | { type: 'accepted'; offer: Offer; atMs: number }
  | { type: 'declined'; offerId: string; reason: string }
  | { type: 'revoked'; offerId: string; reason: string }
  | { type: 'arrived'; tripId: string }
  | { type: 'started'; tripId: string }
  | { type: 'completed'; tripId: string; finalFare?: Money; distanceMeters: number; durationSeconds: number }
  | { type: 'fix'; intendedAtMs: number; ackAtMs: number }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnected'; url: string }
  /** A call cut off by a dropped socket: the trip is picked up again from the server's resume after the reconnect. */
  | { type: 'interrupted'; during: string }
  | { type: 'error'; during: string; code: string; message: string };

/**
 * The socket.io client a bot drives: the real socket.io-client, or LeanSocket (lean-socket.ts),
 * which speaks the same protocol at a fraction of the CPU per message, for runs with
 * thousands of drivers on the machine that also runs the server.
 */
export const DRIVER_CLIENTS = ['socket.io', 'lean'] as const;
export type DriverClient = (typeof DRIVER_CLIENTS)[number];

export interface DriverBotOptions {
  name: string;
  /** The node to connect to, or several: the first, then the others in turn after a drop. */
  url: string | readonly string[];
  api: ApiClient;
  token: string;
  memberId: string;
  home: Point;
  /** Idle drivers cruise to random points this far from home. */
  roamRadiusM: number;
  vehicleKind?: 'car' | 'bike' | 'cargo_bike' | 'van';
  fixIntervalMs?: number;
  /** Delay of the first fix after going online, to spread drivers' fixes over the interval. */
  fixPhaseMs?: number;
  /** How long the driver looks at an offer before accepting it. */
  thinkTimeMs: () => number;
  speedKmh?: number;
  /** Simulated seconds per real second: 10 makes a 5-minute trip last 30 s. */
  timeScale?: number;
  /** Real time between arriving at the pickup and starting the trip. */
  boardingMs?: number;
  reconnect?: boolean;
  /** Default 'socket.io'. */
  client?: DriverClient;
  rng: Prng;
  listener?: (bot: DriverBot, event: DriverEvent) => void;
}

interface Leg {
  from: Point;
  to: Point;
  startMs: number;
  durationMs: number;
}

type Phase = 'idle' | 'deciding' | 'to_pickup' | 'boarding' | 'to_dropoff';

/**
 * A simulated driver-owner: goes online, sends a fix every few seconds, roams while idle,
 * accepts offers after a think time, drives to the pickup and the dropoff along straight
 * lines at a steady speed, and completes the trip.
 */
export class DriverBot {
  readonly link: SocketLink;
  private phase: Phase = 'idle';
  private leg: Leg;
  private tripId?: string;
  private offerId?: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private legTimer?: NodeJS.Timeout;
  private thinkTimer?: NodeJS.Timeout;
  private stopped = false;
  private stopFixes?: () => void;
  private readonly speedMps: number;
  private readonly timeScale: number;

  constructor(private readonly o: DriverBotOptions) {
    this.timeScale = o.timeScale ?? 1;
    this.speedMps = ((o.speedKmh ?? 30) * 1000) / 3600;
    const start = randomPointWithin(o.rng, o.home, o.roamRadiusM);
    this.leg = { from: start, to: start, startMs: Date.now(), durationMs: 0 };
    this.link = new SocketLink(o.url, '/drivers', o.token, { reconnect: o.reconnect, lean: o.client === 'lean' });
  }

  get name(): string {
    return this.o.name;
  }

  get memberId(): string {
    return this.o.memberId;
  }

  get busy(): boolean {
    return this.phase !== 'idle';
  }

  /** Where the driver is now, on the current leg. */
  position(now = Date.now()): Point {
    const { from, to, startMs, durationMs } = this.leg;
    return durationMs <= 0 ? to : along(from, to, (now - startMs) / durationMs);
  }

  /** Connects, goes online, sends a first fix and starts the fix schedule and roaming. */
  async start(): Promise<void> {
    this.link.on('offer', (offer: Offer) => this.onOffer(offer));
    this.link.on('offer:revoked', (p: { offerId: string; reason: string }) => this.onRevoked(p));
    this.link.on('trip:updated', (p: { tripId: string; status: string }) => void this.onTripUpdated(p));
    this.link.onDrop((reason) => this.emit({ type: 'disconnected', reason }));
    // After a reconnect (to this node or another) the server has forgotten nothing durable,
    // and re-sends the pending offer and the trip; presence needs "online" again.
    this.link.onReconnect((url) => {
      this.emit({ type: 'reconnected', url });
      void this.goOnline().catch((e) => this.fail('driver:online', e));
    });
    await this.link.connect();
    // A loaded server may answer late: going online is idempotent, so try it again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.goOnline();
        break;
      } catch (error) {
        if (attempt >= 3 || !(error instanceof AckError && error.code === 'ACK_TIMEOUT')) throw error;
      }
    }
    this.roam();
    this.scheduleFixes();
  }

  stop(): void {
    this.stopped = true;
    this.stopFixes?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.link.close();
  }

  private async goOnline(): Promise<void> {
    await this.link.call('driver:online', { vehicle: { kind: this.o.vehicleKind ?? 'car' } });
    await this.link.call('driver:location', { ...rounded(this.position()), at: new Date().toISOString() });
    this.emit({ type: 'online' });
  }

  /**
   * Fixes on a fixed schedule, from the process's one shared fix clock (10,000 bots, one
   * timer); each one's latency is taken from its intended send time.
   */
  private scheduleFixes(): void {
    const interval = this.o.fixIntervalMs ?? 4_000;
    this.stopFixes = fixClock(interval).add(this.o.fixPhaseMs ?? this.o.rng.between(0, interval), (due) => {
      if (this.stopped || !this.link.connected) return;
      const p = this.position();
      this.link
        .call('driver:location', { lat: round6(p.lat), lng: round6(p.lng), at: new Date().toISOString() })
        .then(() => this.emit({ type: 'fix', intendedAtMs: due, ackAtMs: Date.now() }))
        .catch((e) => this.fail('driver:location', e));
    });
  }

  private onOffer(offer: Offer): void {
    const atMs = Date.now();
    if (this.phase !== 'idle') {
      if (this.offerId === offer.offerId) return; // the same offer again, after a reconnect
      this.emit({ type: 'declined', offerId: offer.offerId, reason: 'busy' });
      this.link.call('offer:decline', { offerId: offer.offerId, reason: 'busy' }).catch((e) => this.fail('offer:decline', e));
      return;
    }
    this.emit({ type: 'offer', offer, atMs, distanceToPickupM: distanceMetres(this.position(atMs), offer.pickup) });
    this.phase = 'deciding';
    this.offerId = offer.offerId;
    this.thinkTimer = this.later(() => void this.accept(offer), this.o.thinkTimeMs());
  }

  private async accept(offer: Offer): Promise<void> {
    if (this.offerId !== offer.offerId || this.phase !== 'deciding') return;
    this.emit({ type: 'accept-sent', offer, atMs: Date.now() });
    try {
      await this.link.call('offer:accept', { offerId: offer.offerId });
    } catch (error) {
      this.fail('offer:accept', error);
      this.backToIdle();
      return;
    }
    this.emit({ type: 'accepted', offer, atMs: Date.now() });
    this.offerId = undefined;
    this.tripId = offer.tripId;
    this.driveToPickup(offer.pickup, offer.dropoff);
  }

  private onRevoked(p: { offerId: string; reason: string }): void {
    this.emit({ type: 'revoked', offerId: p.offerId, reason: p.reason });
    if (this.offerId === p.offerId && this.phase === 'deciding') this.backToIdle();
  }

  /** Cancellations, and the trip a reconnecting driver was driving (the server re-sends it). */
  private async onTripUpdated(p: { tripId: string; status: string }): Promise<void> {
    if (p.status === 'cancelled' && p.tripId === this.tripId) {
      this.backToIdle();
      return;
    }
    if (this.phase !== 'idle' || !['matched', 'arrived', 'in_progress'].includes(p.status)) return;
    try {
      const trip = await this.o.api.call<TripView>('GET', `/v1/trips/${p.tripId}`, { token: this.o.token });
      if (this.phase !== 'idle') return;
      this.tripId = trip.tripId;
      if (trip.status === 'matched') this.driveToPickup(trip.pickup, trip.dropoff);
      else if (trip.status === 'arrived') this.board(trip.dropoff);
      else if (trip.status === 'in_progress') this.driveToDropoff(this.position(), trip.dropoff);
    } catch (error) {
      this.fail('resume trip', error);
    }
  }

  private driveToPickup(pickup: Point, dropoff: Point): void {
    this.phase = 'to_pickup';
    this.moveTo(pickup, () => void this.step('trip:arrived', () => this.board(dropoff)));
  }

  private board(dropoff: Point): void {
    this.phase = 'boarding';
    this.emit({ type: 'arrived', tripId: this.tripId! });
    this.later(() => void this.step('trip:started', () => this.driveToDropoff(this.position(), dropoff)), this.o.boardingMs ?? 1_000);
  }

  private driveToDropoff(from: Point, dropoff: Point): void {
    this.phase = 'to_dropoff';
    this.emit({ type: 'started', tripId: this.tripId! });
    const realStart = Date.now();
    const metres = distanceMetres(from, dropoff);
    this.moveTo(dropoff, () => void this.complete(metres, realStart));
  }

  private async complete(metres: number, realStartMs: number): Promise<void> {
    const tripId = this.tripId!;
    const distanceMeters = Math.round(metres);
    const durationSeconds = Math.max(1, Math.round(((Date.now() - realStartMs) * this.timeScale) / 1000));
    try {
      const ack = await this.link.call<{ trip?: { finalFare?: Money } }>('trip:completed', { tripId, distanceMeters, durationSeconds });
      this.emit({ type: 'completed', tripId, finalFare: ack.trip?.finalFare, distanceMeters, durationSeconds });
    } catch (error) {
      this.fail('trip:completed', error);
    }
    this.backToIdle();
  }

  /** Sends a trip step; on success runs `next`, on failure gives the trip up. */
  private async step(event: 'trip:arrived' | 'trip:started', next: () => void): Promise<void> {
    const tripId = this.tripId;
    if (!tripId || this.stopped) return;
    try {
      await this.link.call(event, { tripId });
    } catch (error) {
      this.fail(event, error);
      this.backToIdle();
      return;
    }
    if (this.tripId === tripId) next();
  }

  private backToIdle(): void {
    if (this.thinkTimer) this.clear(this.thinkTimer);
    this.phase = 'idle';
    this.offerId = undefined;
    this.tripId = undefined;
    this.roam();
  }

  /** Idle drivers cruise between random points near home, as drivers waiting for work do. */
  private roam(): void {
    if (this.phase !== 'idle' || this.stopped) return;
    this.moveTo(randomPointWithin(this.o.rng, this.o.home, this.o.roamRadiusM), () => this.roam());
  }

  /** Starts a straight leg from here to `to` at the bot's speed; `arrived` runs at its end. */
  private moveTo(to: Point, arrived: () => void): void {
    if (this.legTimer) this.clear(this.legTimer);
    const now = Date.now();
    const from = this.position(now);
    const durationMs = (distanceMetres(from, to) / this.speedMps / this.timeScale) * 1000;
    this.leg = { from, to, startMs: now, durationMs };
    this.legTimer = this.later(arrived, durationMs);
  }

  private later(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, Math.max(0, ms));
    this.timers.add(timer);
    return timer;
  }

  private clear(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private fail(during: string, error: unknown): void {
    if (this.stopped) return; // calls cut short by our own stop are not the server's errors
    if (error instanceof AckError && error.code === 'DISCONNECTED') {
      this.emit({ type: 'interrupted', during });
      return;
    }
    const code = error instanceof AckError ? error.code : ((error as { code?: string }).code ?? 'CLIENT');
    this.emit({ type: 'error', during, code, message: (error as Error).message });
  }

  private emit(event: DriverEvent): void {
    this.o.listener?.(this, event);
  }
}
