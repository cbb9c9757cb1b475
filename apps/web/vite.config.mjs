// Builds the members' page (npm run build:web) into dist/web, which the server serves at `/`.
// Everything is bundled: no CDN, no map tiles (offices may have no internet).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  build: { outDir: here('../../dist/web'), emptyOutDir: true, target: 'es2022', sourcemap: true },
  // The same RFC 8785 canonicalization the server hashes leaves with, bundled as is.
  resolve: { alias: { '@coop/canonical-json': here('../../libs/canonical-json/src/index.ts') } },
  logLevel: 'warn',
});
