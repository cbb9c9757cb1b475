import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { problemOf } from './problem.filter';
import { ProblemFilter } from './problem.filter';
import { Metrics } from '../metrics/metrics';

/** Largest JSON body accepted; the API's bodies are small. */
export const MAX_JSON_BYTES = 64 * 1024;

/**
 * Body parsing, errors and request metrics, the same for every app. Nest's own body parser
 * is off (NestFactory.create(..., { bodyParser: false })) so that a malformed or oversized
 * body meets our problem+json handler right after the parser.
 */
export function configureHttp(app: INestApplication, metrics: Metrics): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: (req.route?.path as string | undefined) ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  app.use(express.json({ limit: MAX_JSON_BYTES, strict: false }));
  app.use((error: { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    const code =
      error.type === 'entity.parse.failed' ? 'MALFORMED_JSON'
      : error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE'
      : error.status === 415 || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported' ? 'UNSUPPORTED_MEDIA_TYPE'
      : 'VALIDATION_FAILED';
    const problem = problemOf(code);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  });
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
}
