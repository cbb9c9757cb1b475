import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from './config/app-config';
import { configureHttp } from './http/configure-http';
import { serveWebPage } from './http/web-page';
import { HealthController } from './health/health.controller';
import { DocsModule } from './openapi/docs.module';
import { JsonLogger } from './logging/json-logger';
import { Metrics } from './metrics/metrics';
import { PlatformModule } from './platform.module';
import { RedisConnections } from './redis/redis-connections';
import { RedisIoAdapter } from './realtime/redis-io.adapter';

/** Builds an app around its feature modules, with the platform, HTTP and socket setup every app shares. */
export async function createApp(config: AppConfig, features: Array<Type | DynamicModule>): Promise<INestApplication> {
  // /health and /metrics belong to the process, not to an app: one copy however many apps run in it.
  const root: DynamicModule = {
    module: class CoopRoot {},
    imports: [PlatformModule.forRoot(config), DocsModule, ...features],
    controllers: [HealthController],
  };
  const app = await NestFactory.create(root, { logger: new JsonLogger(config.LOG_LEVEL), bodyParser: false, abortOnError: false });
  configureHttp(app, app.get(Metrics));
  serveWebPage(app);
  app.useWebSocketAdapter(new RedisIoAdapter(app, app.get(RedisConnections), config.REDIS_PREFIX));
  return app;
}
