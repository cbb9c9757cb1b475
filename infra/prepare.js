#!/usr/bin/env node
// Gets a fresh clone ready to run: dependencies installed and PostgreSQL and Redis up
// (infra/ensure-services.sh finds, starts or installs them). Plain Node: it runs before
// anything is installed. Used by `npm start` and `npm test` (as pretest).
'use strict';
const { execSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function run(command) {
  execSync(command, { cwd: root, stdio: 'inherit', env: process.env });
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('> installing dependencies (npm install)');
  run('npm install --no-audit --no-fund');
}
if (process.env.SKIP_SERVICES !== '1') run('bash infra/ensure-services.sh');
