#!/usr/bin/env node
// `npm start`: the whole system in one process, plus a small simulated city of drivers and
// riders (the demo; `--no-demo` or DEMO=0 leaves it out). Installs and starts what is missing, compiles the
// TypeScript with swc, then runs dist/apps/server/src/main.js; migrations run at boot.
'use strict';
const { execSync, spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
// The demo city (simulated drivers and riders beside the server, load-tests/src/demo) is on
// by default so a newcomer sees dispatch happen; `npm start -- --no-demo` or DEMO=0 turns it off.
const demo = !process.argv.includes('--no-demo') && !/^(0|false|no|off)$/i.test(process.env.DEMO ?? '');

require('./prepare.js');
console.log('> compiling (npm run build)');
execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });

const env = { ...process.env };
if (demo) {
  // The demo signs in as the admin to approve its simulated drivers.
  env.ADMIN_EMAIL ??= 'admin@coop.local';
  env.ADMIN_PASSWORD ??= 'demo-admin-password';
}
const children = [];
const server = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/server/src/main.js'], { cwd: root, env, stdio: 'inherit' });
children.push(server);
server.on('exit', (code) => {
  children.forEach((c) => c !== server && c.kill('SIGTERM'));
  process.exit(code ?? 0);
});

if (demo) {
  const port = env.PORT ?? '3000';
  const city = spawn(process.execPath, ['--enable-source-maps', 'dist/load-tests/src/demo/demo-city.js', '--url', `http://127.0.0.1:${port}`], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  children.push(city);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => children.forEach((c) => c.kill(signal)));
}
