import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { RedisConnections } from '../redis/redis-connections';

/** Largest socket message accepted; bigger ones close the connection (socket.io's own check). */
export const MAX_SOCKET_MESSAGE_BYTES = 16 * 1024;

/** socket.io with the Redis adapter, so rooms and emits span every dispatch process. */
export class RedisIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly connections: RedisConnections,
    private readonly keyPrefix: string,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
      // socket.io's defaults. Every ping is a write and a read on each side: at 10,000 drivers a
      // 10 s interval cost 1,000 of each per second, 40 % of the fix traffic itself. A silent
      // driver leaves matching through its stale fix (45 s), not through the ping.
      pingInterval: 25_000,
      pingTimeout: 20_000,
    });
    server.adapter(createAdapter(this.connections.create(), this.connections.create(), { key: `${this.keyPrefix}:socket.io` }));
    return server;
  }
}
