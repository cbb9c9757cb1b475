import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm run build:web` (Vite, apps/web) writes the members' page. */
export function webPageDir(from: string = __dirname): string | undefined {
  // The same walk works from the sources (tests) and from dist/ (npm start): the repo root is
  // the first folder up with a package.json.
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
  }
  return undefined;
}

/**
 * Serves the members' web page at `/` as static files: express middleware rather than a Nest
 * controller, so the files are not API routes (nor in /docs). Only files that exist are
 * answered; everything else falls through to the API. Hashed assets are cached for good;
 * index.html never is, so a new build shows at once.
 */
export function serveWebPage(app: INestApplication, dir: string | undefined = webPageDir()): void {
  if (!dir) return;
  app.use(
    express.static(dir, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: (res, path) => {
        res.setHeader('Cache-Control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
}
