import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AccessTokenCodec } from './auth/access-token';
import { AuthGuard } from './auth/auth.guard';
import { SecretStore } from './auth/secret-store';
import { Clock, SystemClock } from './clock';
import { AppConfig } from './config/app-config';
import { createDataSource, migrate } from './database/data-source';
import { ensureDatabase } from './database/ensure-database';
import { observePool, poolOf } from './database/pool-metrics';
import { Metrics } from './metrics/metrics';
import { APP_CONFIG, REDIS } from './platform.tokens';
import { createRedis } from './redis/redis-connection';
import { RedisConnections } from './redis/redis-connections';

/** Closes the shared connections when the app shuts down. */
@Injectable()
class PlatformShutdown implements OnApplicationShutdown {
  constructor(
    private readonly db: DataSource,
    private readonly connections: RedisConnections,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connections.closeAll();
    await this.redis.quit().catch(() => this.redis.disconnect());
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * The shared resources of every app: validated config, the database (migrated at boot when
 * configured), Redis, metrics, the clock and access tokens. Global, so apps import it once.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useClass: SystemClock },
        { provide: Metrics, useValue: new Metrics() },
        {
          provide: DataSource,
          inject: [Metrics],
          useFactory: async (metrics: Metrics) => {
            if (config.MIGRATE_ON_BOOT) await ensureDatabase(config.DATABASE_URL);
            const db = createDataSource({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
            await db.initialize();
            observePool(poolOf(db), metrics);
            if (config.MIGRATE_ON_BOOT) await migrate(db);
            return db;
          },
        },
        { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL) },
        { provide: RedisConnections, useFactory: () => new RedisConnections(config.REDIS_URL) },
        { provide: SecretStore, inject: [DataSource], useFactory: (db: DataSource) => new SecretStore(db) },
        {
          provide: AccessTokenCodec,
          inject: [SecretStore],
          useFactory: async (secrets: SecretStore) =>
            new AccessTokenCodec(Buffer.from(await secrets.getOrCreate('access-token-key'), 'base64')),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        PlatformShutdown,
      ],
      exports: [APP_CONFIG, Clock, Metrics, DataSource, REDIS, RedisConnections, SecretStore, AccessTokenCodec],
    };
  }
}
