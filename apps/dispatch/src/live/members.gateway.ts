import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenCodec, Clock, DocumentSocketEvents, memberRoles } from '@coop/platform';
import { ackUnknownEvents, requireToken } from '../realtime/socket-auth';
import { LiveSupply } from './live-supply';
import { memberSocketDocs } from './members.socket-docs';

/** How often connected members get a fresh snapshot. */
export const LIVE_PUSH_MS = 1000;

/**
 * The members' page's live map. Each process pushes to its own sockets only (`local`): every
 * process reads the same shared state, so a broadcast through the Redis adapter would only
 * repeat the same snapshot once per process.
 */
@DocumentSocketEvents(memberSocketDocs)
@WebSocketGateway({ namespace: '/members' })
export class MembersGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown {
  private readonly logger = new Logger(MembersGateway.name);
  private namespace?: Namespace;
  private timer?: NodeJS.Timeout;
  private pushing = false;

  constructor(
    private readonly tokens: AccessTokenCodec,
    private readonly clock: Clock,
    private readonly live: LiveSupply,
  ) {}

  afterInit(namespace: Namespace): void {
    requireToken(namespace, this.tokens, this.clock, memberRoles);
    this.namespace = namespace;
    this.timer = setInterval(() => void this.push(), LIVE_PUSH_MS);
    this.timer.unref();
  }

  async handleConnection(socket: Socket): Promise<void> {
    ackUnknownEvents(socket, new Set());
    try {
      socket.emit('live:snapshot', await this.live.snapshot());
    } catch (error) {
      this.logger.warn(`live snapshot failed: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async push(): Promise<void> {
    const namespace = this.namespace;
    // Skip a tick rather than pile up reads when one is slow, and read nothing when nobody watches.
    if (!namespace || this.pushing || namespace.sockets.size === 0) return;
    this.pushing = true;
    try {
      namespace.local.emit('live:snapshot', await this.live.snapshot());
    } catch (error) {
      this.logger.warn(`live snapshot failed: ${(error as Error).message}`);
    } finally {
      this.pushing = false;
    }
  }
}
