import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import { TripsRepository } from '../trips/trips.repository';
import { AccessTokenCodec, Clock, DocumentSocketEvents } from '@coop/platform';
import { riderSocketDocs } from './riders.socket-docs';
import { RealtimeNotifier } from '../realtime/realtime.notifier';
import { ackUnknownEvents, principalOf, requireToken } from '../realtime/socket-auth';

/**
 * The rider app's socket: the server pushes `trip:updated` and `driver:location`. Riders
 * send nothing here (requests go over REST); anything they send is acked UNKNOWN_EVENT.
 */
@DocumentSocketEvents(riderSocketDocs)
@WebSocketGateway({ namespace: '/riders' })
export class RidersGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(
    private readonly tokens: AccessTokenCodec,
    private readonly clock: Clock,
    private readonly notifier: RealtimeNotifier,
    private readonly db: DataSource,
    private readonly trips: TripsRepository,
  ) {}

  afterInit(namespace: Namespace): void {
    requireToken(namespace, this.tokens, this.clock, ['rider', 'admin']);
    this.notifier.attachRiders(namespace);
  }

  /** A (re)connecting rider learns the status of their open trip at once. */
  async handleConnection(socket: Socket): Promise<void> {
    ackUnknownEvents(socket, new Set());
    const trip = await this.trips.openForRider(this.db.manager, principalOf(socket).memberId);
    if (trip) socket.emit('trip:updated', { tripId: trip.id, status: trip.status });
  }
}
