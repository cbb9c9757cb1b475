import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Public } from '../auth/auth.guard';
import { Metrics } from '../metrics/metrics';
import { ApiDoc } from '../openapi/api-doc';
import { REDIS } from '../platform.tokens';

const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']), postgres: z.enum(['up', 'down']), redis: z.enum(['up', 'down']) });

const TIMEOUT_MS = 1_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

/** /health and /metrics of the process, whichever apps it runs (createApp adds it once). */
@Controller()
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: Metrics,
  ) {}

  /** 200 when PostgreSQL and Redis answer within a second, 503 otherwise (for load balancer probes). */
  @ApiDoc({
    tag: 'operations',
    summary: 'Liveness of the process and its services',
    responses: { 200: { description: 'PostgreSQL and Redis answer', schema: healthSchema }, 503: { description: 'One of them does not', schema: healthSchema } },
  })
  @Public()
  @Get('health')
  async health(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis] = await Promise.all([
      within(this.db.query('SELECT 1'), TIMEOUT_MS).then(() => 'up', () => 'down'),
      within(this.redis.ping(), TIMEOUT_MS).then(() => 'up', () => 'down'),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', postgres, redis };
  }

  /** Prometheus text exposition. */
  @ApiDoc({ tag: 'operations', summary: 'Prometheus metrics (text exposition format)', responses: { 200: { description: 'Metrics' } } })
  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
