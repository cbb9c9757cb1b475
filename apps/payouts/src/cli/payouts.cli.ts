/**
 * npm run payouts -- run --url http://127.0.0.1:3000 --token <treasurer token> [--key <run key>] [--files <dir>]
 *
 * Starts (or resumes) a payout run through the API, as the treasurer, so the CLI and the API
 * share one code path, one authorization check and one audit trail. The key defaults to
 * `cli:<today, UTC>`: running the command again the same day resumes or returns that run.
 * With --files, the run's pain.001 XML and CSV are written to the directory.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = 'usage: payouts run --url URL --token TOKEN [--key RUN_KEY] [--files DIR]';

async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url.replace(/\/$/, '') + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'run') {
    process.stderr.write(`${USAGE}\n`);
    return command === '--help' ? 0 : 2;
  }
  const { values } = parseArgs({ args: rest, options: { url: { type: 'string' }, token: { type: 'string' }, key: { type: 'string' }, files: { type: 'string' } } });
  const token = values.token ?? process.env.COOP_TOKEN;
  if (!values.url || !token) {
    process.stderr.write(`${USAGE}\n(--token may come from COOP_TOKEN)\n`);
    return 2;
  }
  const runKey = values.key ?? `cli:${new Date().toISOString().slice(0, 10)}`;
  const started = await call(values.url, token, 'POST', '/v1/payouts/runs', { runKey });
  if (started.status !== 200) {
    process.stderr.write(`payouts run refused (${started.status}): ${started.text}\n`);
    return 1;
  }
  const run = JSON.parse(started.text) as { id: string; status: string; items: unknown[]; total: { amount: number; currency: string } | null; hasFiles: boolean };
  process.stdout.write(`${JSON.stringify({ runId: run.id, runKey, status: run.status, payments: run.items.length, total: run.total })}\n`);
  if (values.files && run.hasFiles) {
    for (const [name, path] of [['pain001.xml', 'pain001.xml'], ['payouts.csv', 'payouts.csv']] as const) {
      const file = await call(values.url, token, 'GET', `/v1/payouts/runs/${run.id}/${path}`);
      if (file.status !== 200) throw new Error(`${path}: ${file.status} ${file.text}`);
      await writeFile(join(values.files, `${run.id}-${name}`), file.text);
    }
  }
  return run.status === 'completed' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`payouts: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
