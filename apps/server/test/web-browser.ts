import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (gitignored; docs/screenshots keeps chosen ones). */
export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-results', 'web');

/** Builds the members' page into dist/web, so the test serves what the sources say now. */
export function buildWebPage(): void {
  execSync('npx vite build --config apps/web/vite.config.mjs', { cwd: join(__dirname, '..', '..', '..'), stdio: 'pipe' });
  mkdirSync(SCREENSHOTS, { recursive: true });
}

/** Headless chromium with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
