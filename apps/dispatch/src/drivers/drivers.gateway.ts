import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenCodec, Clock, DocumentSocketEvents, Metrics, parseInput, toErrorAck } from '@coop/platform';
import type { Counter } from 'prom-client';
import { OffersService } from '../offers/offers.service';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { ackUnknownEvents, principalOf, requireToken } from '../realtime/socket-auth';
import { DriverTripsService } from '../trips/driver-trips.service';
import { DriverSessionService } from './driver-session.service';
import {
  emptySchema,
  goOnlineSchema,
  offerAnswerSchema,
  offerDeclineSchema,
  tripCompletionSchema,
  tripRefSchema,
} from './driver-events.schemas';
import { driverSocketDocs } from './drivers.socket-docs';
import { readLocationFix } from './location-fix';

/** The acknowledgement of a stored fix (one object for all: socket.io only serializes it). */
const FIX_OK = Object.freeze({ ok: true });

const events = [
  'driver:online', 'driver:location', 'driver:offline', 'offer:accept', 'offer:decline',
  'trip:arrived', 'trip:started', 'trip:completed',
] as const;

/**
 * The driver app's socket: presence, location, offers and the trip. Every event is
 * validated and acknowledged `{ ok: true, ... }` or `{ ok: false, error: { code, message } }`.
 */
@DocumentSocketEvents(driverSocketDocs)
@WebSocketGateway({ namespace: '/drivers' })
export class DriversGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('drivers');
  /** The fix counter's child for the usual outcome, bound once (labels hashed once, not per fix). */
  private readonly fixesOk: ReturnType<Counter<'namespace' | 'event' | 'outcome'>['labels']>;

  constructor(
    private readonly tokens: AccessTokenCodec,
    private readonly clock: Clock,
    private readonly notifier: RealtimeNotifier,
    private readonly session: DriverSessionService,
    private readonly offers: OffersService,
    private readonly driverTrips: DriverTripsService,
    private readonly metrics: Metrics,
  ) {
    this.fixesOk = metrics.socketEvents.labels({ namespace: 'drivers', event: 'driver:location', outcome: 'ok' });
  }

  afterInit(namespace: Namespace): void {
    requireToken(namespace, this.tokens, this.clock, ['driver']);
    this.notifier.attachDrivers(namespace);
  }

  /** A (re)connecting driver gets back any pending offer and the trip they are on. */
  async handleConnection(socket: Socket): Promise<void> {
    ackUnknownEvents(socket, new Set(events));
    socket.on('driver:location', (...args: unknown[]) => this.location(socket, args));
    // Why sockets drop ("ping timeout": no pong in time; "transport close": the client went), for load runs and alerts.
    socket.once('disconnect', (reason: string) => this.metrics.socketEvents.inc({ namespace: 'drivers', event: 'disconnect', outcome: reason }));
    try {
      for (const [event, payload] of await this.session.resume(principalOf(socket).memberId)) socket.emit(event, payload);
    } catch (error) {
      this.logger.warn({ msg: 'resume failed', error: (error as Error).message });
    }
  }

  @SubscribeMessage('driver:online')
  online(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.handle('driver:online', async () => this.session.goOnline(principalOf(socket).memberId, parseInput(goOnlineSchema, body)));
  }

  /**
   * `driver:location`, thousands a second: a plain socket.io listener (registered on
   * connection) rather than a @SubscribeMessage handler, whose rxjs pipeline cost more CPU
   * than the fix's own work. Same contract as the others: validated, acknowledged
   * `{ ok: true }` or with the error's code, counted by outcome.
   */
  private location(socket: Socket, args: unknown[]): void {
    // As Nest reads a message: the last argument is the ack when it is a function.
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: object) => void) : undefined;
    const body = args.length <= 1 ? args[0] : args;
    let fix;
    try {
      fix = readLocationFix(body);
    } catch (error) {
      const refusal = this.refusal('driver:location', error);
      ack?.(refusal);
      return;
    }
    this.session.fix(principalOf(socket).memberId, fix).then(
      () => {
        this.fixesOk.inc();
        ack?.(FIX_OK);
      },
      (error: unknown) => {
        const refusal = this.refusal('driver:location', error);
        ack?.(refusal);
      },
    );
  }

  @SubscribeMessage('driver:offline')
  offline(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.handle('driver:offline', async () => {
      parseInput(emptySchema, body ?? {});
      return this.session.goOffline(principalOf(socket).memberId);
    });
  }

  @SubscribeMessage('offer:accept')
  accept(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.handle('offer:accept', async () => ({
      trip: await this.offers.accept(principalOf(socket).memberId, parseInput(offerAnswerSchema, body).offerId),
    }));
  }

  @SubscribeMessage('offer:decline')
  decline(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.handle('offer:decline', async () => {
      const { offerId, reason } = parseInput(offerDeclineSchema, body);
      await this.offers.decline(principalOf(socket).memberId, offerId, reason);
      return {};
    });
  }

  @SubscribeMessage('trip:arrived')
  arrived(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.handle('trip:arrived', async () => ({
      trip: await this.driverTrips.arrived(principalOf(socket).memberId, parseInput(tripRefSchema, body).tripId),
    }));
  }

  @SubscribeMessage('trip:started')
  started(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.handle('trip:started', async () => ({
      trip: await this.driverTrips.started(principalOf(socket).memberId, parseInput(tripRefSchema, body).tripId),
    }));
  }

  @SubscribeMessage('trip:completed')
  completed(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.handle('trip:completed', async () => {
      const { tripId, ...measured } = parseInput(tripCompletionSchema, body);
      return { trip: await this.driverTrips.completed(principalOf(socket).memberId, tripId, measured) };
    });
  }

  /** Runs a handler and turns its result or error into the acknowledgement. */
  private async handle(event: string, run: () => Promise<object | void>) {
    try {
      const result = await run();
      this.metrics.socketEvents.inc({ namespace: 'drivers', event, outcome: 'ok' });
      return { ok: true, ...(result ?? {}) };
    } catch (error) {
      return this.refusal(event, error);
    }
  }

  /** The error's acknowledgement, counted by its code; unexpected errors are logged. */
  private refusal(event: string, error: unknown) {
    const ack = toErrorAck(error);
    this.metrics.socketEvents.inc({ namespace: 'drivers', event, outcome: ack.error.code });
    if (ack.error.code === 'INTERNAL') this.logger.error({ msg: `${event} failed`, error: (error as Error).stack });
    return ack;
  }
}
