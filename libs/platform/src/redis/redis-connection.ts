import Redis, { RedisOptions } from 'ioredis';

/**
 * A new ioredis connection. BullMQ workers block on their connection, so each consumer
 * asks for its own; `maxRetriesPerRequest: null` is what BullMQ requires of them.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}
