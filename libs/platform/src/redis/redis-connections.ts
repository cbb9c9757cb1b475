import type Redis from 'ioredis';
import { createRedis } from './redis-connection';

/**
 * Hands out dedicated Redis connections (BullMQ workers, pub/sub subscribers need their
 * own) and closes them all at shutdown.
 */
export class RedisConnections {
  private readonly open = new Set<Redis>();

  constructor(private readonly url: string) {}

  /** A new connection, closed by closeAll(). */
  create(): Redis {
    const connection = createRedis(this.url);
    this.open.add(connection);
    return connection;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open];
    this.open.clear();
    await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
