/**
 * npm run verify-log -- --url http://127.0.0.1:3000 [--token T] [--state FILE] [--from N] [--to N] [--fairness] [--json]
 *
 * Exit status: 0 when every check passed, 1 when any failed (each named with its leaf index),
 * 2 for usage, network or server errors (nothing could be verified).
 */
import { parseArgs } from 'node:util';
import { VerifyReport, verifyLog } from './verify-log';

const USAGE = `usage: verify-log --url URL [--token TOKEN] [--state FILE] [--from N] [--to N] [--fairness] [--json]
  --url     the co-op's server, e.g. http://127.0.0.1:3000
  --token   a member's access token (or COOP_AUDIT_TOKEN); needed to download leaves
  --state   where to keep the last verified checkpoint (default .coop-audit-state.json; --no-state to skip)
  --from/--to  leaf range [from, to) (default: the whole tree)
  --fairness   print offers per driver pseudonym and the Gini spreads, per period, from the verified leaves,
               then trips per driver and wait times as the server reports them (not in the log)`;

function count(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(v) || !Number.isSafeInteger(Number(v))) throw new Error(`--${name} must be a non-negative integer`);
  return Number(v);
}

function print(r: VerifyReport): void {
  const lines = [
    `log ${r.origin ?? '?'}: tree size ${r.treeSize ?? '?'}${r.previousTreeSize !== undefined ? ` (last verified ${r.previousTreeSize}, consistent: ${r.failures.some((f) => f.what.startsWith('not consistent')) ? 'NO' : 'yes'})` : ''}`,
    r.range ? `leaves ${r.range[0]}..${r.range[1]}: ${r.leaves} read, ${r.inclusionChecked} inclusion proofs, ${r.replayedFull} replayed in full, ${r.rankingChecked} rankings checked, ${r.withheld} withheld, ${r.policiesSeen} policy activations` : '',
    ...r.notes.map((n) => `note: ${n}`),
    ...r.failures.map((f) => `FAIL${f.index === undefined ? '' : ` leaf ${f.index}`}: ${f.what}`),
    r.ok ? 'OK: every check passed' : `FAILED: ${r.failures.length} problem(s)`,
  ];
  process.stdout.write(lines.filter(Boolean).join('\n') + '\n');
}

function printFairness(periods: NonNullable<VerifyReport['fairness']>, reported: VerifyReport['reportedOutcomes'] = []): void {
  const out: string[] = [];
  for (const p of periods) {
    out.push('', `period ${p.period}: ${p.decisions} decisions, Gini of offers ${p.offersGini.toFixed(3)}, of earnings per hour ${p.earningsPerHourGini.toFixed(3)}`);
    out.push(`  ${'driver'.padEnd(24)} ${'offers'.padStart(7)} ${'candidate'.padStart(9)} ${'excluded'.padStart(8)} ${'per hour'.padStart(9)}`);
    for (const d of p.drivers) {
      const excluded = Object.values(d.exclusions).reduce((a, b) => a + b, 0);
      const perHour = d.earningsPerHourMinor === null ? '-' : (d.earningsPerHourMinor / 100).toFixed(2);
      out.push(`  ${d.pseudonym.padEnd(24)} ${String(d.offers).padStart(7)} ${String(d.candidacies).padStart(9)} ${String(excluded).padStart(8)} ${perHour.padStart(9)}`);
    }
    const o = reported.find((r) => r.period === p.period);
    if (!o) continue;
    const wait = o.waitSeconds ? `wait to match median ${o.waitSeconds.median} s, p90 ${o.waitSeconds.p90} s, max ${o.waitSeconds.max} s` : 'no matched trip';
    out.push(`  reported by the server from its trips table (not in the log, not verified):`);
    out.push(`  ${o.requested} trips requested, ${o.matched} matched, ${o.completed} completed; ${wait}; Gini of trips ${o.tripsGini.toFixed(3)}`);
    out.push(`  ${'driver'.padEnd(24)} ${'trips'.padStart(7)} ${'completed'.padStart(9)}`);
    for (const d of o.drivers) out.push(`  ${d.pseudonym.padEnd(24)} ${String(d.trips).padStart(7)} ${String(d.completed).padStart(9)}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

/** Runs the verifier on command-line arguments (without node and script); returns the exit status. */
export async function runVerifyLog(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      state: { type: 'string' },
      'no-state': { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
      fairness: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.url) {
    process.stderr.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const report = await verifyLog({
    url: values.url,
    token: values.token ?? process.env.COOP_AUDIT_TOKEN,
    statePath: values['no-state'] ? undefined : (values.state ?? '.coop-audit-state.json'),
    from: count('from', values.from),
    to: count('to', values.to),
    fairness: values.fairness,
  });
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    print(report);
    if (report.fairness) printFairness(report.fairness, report.reportedOutcomes);
  }
  return report.ok ? 0 : 1;
}

/** Exits with the verifier's status; usage, network and server errors exit 2. */
export function exitWith(run: Promise<number>, name: string): void {
  run.then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`${name}: ${e.message}\n`);
      process.exit(2);
    },
  );
}

if (require.main === module) exitWith(runVerifyLog(process.argv.slice(2)), 'verify-log');
