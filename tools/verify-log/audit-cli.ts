/**
 * npm run audit -- verify --url http://127.0.0.1:3000 [verify-log options]
 *
 * The command the issue names: `audit <subcommand>`. `verify` is the only subcommand and runs
 * the same verifier as `npm run verify-log` (same options, same exit status).
 */
import { exitWith, runVerifyLog } from './main';

const USAGE = `usage: audit verify --url URL [--token TOKEN] [--state FILE] [--from N] [--to N] [--fairness] [--json]
  (audit verify --help for the options)`;

const [command, ...rest] = process.argv.slice(2);
if (command === 'verify') exitWith(runVerifyLog(rest), 'audit verify');
else {
  process.stderr.write(`${command === undefined ? '' : `audit: unknown command "${command}"\n`}${USAGE}\n`);
  process.exit(command === '--help' ? 0 : 2);
}
