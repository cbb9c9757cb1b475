import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JournalTransaction } from '@coop/money';
import { checkPain001 } from '../../../libs/money/src/test-fixtures';
import { PayoutJournal } from '../../payouts/src/payouts/payout.ports';
import { CrashPoint, PayoutRunner, SimulatedCrash } from '../../payouts/src/payouts/payout-runner.service';
import { PayoutScheduleJob } from '../../payouts/src/payouts/payout-schedule.job';
import { TestSystem } from './system.harness';

jest.setTimeout(240_000);

type Member = { memberId: string; token: string };

/**
 * Payout runs against the real ledger, PostgreSQL and Redis. Drivers' earnings are posted
 * through the ledger's own posting service (a trip's driver share, as the ledger would post
 * it; apps/server/test/ledger.int-spec.ts covers trips producing them).
 */
describe('payout runs', () => {
  let system: TestSystem;
  let treasurer: Member;

  beforeAll(async () => {
    system = await TestSystem.start();
    treasurer = await system.treasurer();
  });
  afterAll(async () => {
    await system.stop();
  });

  async function earn(driver: Member, amount: number): Promise<void> {
    const rider = randomUUID();
    const tx: JournalTransaction = {
      id: `trip:${randomUUID()}:completed`,
      kind: 'trip.completed',
      metadata: { tripId: randomUUID(), test: 'earnings for a payout run' },
      postings: [
        { accountId: `rider:${rider}:receivable`, amount: { amount: BigInt(amount), currency: 'CAD' } },
        { accountId: `driver:${driver.memberId}:payable`, amount: { amount: BigInt(-amount), currency: 'CAD' } },
      ],
    };
    expect(await system.nest.get(PayoutJournal).post(tx)).toBe('new');
  }

  const payable = async (driver: Member) =>
    Number((await system.sql<{ b: string }>(`SELECT coalesce(sum(amount), 0)::text AS b FROM ledger_postings WHERE account_id = $1`, [`driver:${driver.memberId}:payable`]))[0]!.b);
  const payoutEntries = async (driver: Member) =>
    (await system.sql(`SELECT 1 FROM ledger_transactions WHERE kind = 'payout' AND metadata->>'driverId' = $1`, [driver.memberId])).length;
  const instructions = async (driver: Member) =>
    (await system.sql(`SELECT 1 FROM payout_provider_instructions WHERE creditor = $1`, [driver.memberId])).length;

  it('refuses non-treasurers and bad input', async () => {
    const driver = await system.member('driver');
    const refused = await system.http('POST', '/v1/payouts/runs', { token: driver.token, body: { runKey: 'x' } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    const bad = await system.http('POST', '/v1/payouts/runs', { token: treasurer.token, body: { runKey: 'has spaces' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect((await system.http('GET', `/v1/payouts/runs/${randomUUID()}`, { token: treasurer.token })).body.code).toBe('PAYOUT_RUN_NOT_FOUND');
    expect(await system.sql('SELECT 1 FROM payout_runs')).toEqual([]);
  });

  const crashPoints: CrashPoint[] = ['after-plan', 'after-ledger-append', 'after-post', 'after-file', 'after-provider-submit'];

  it.each(crashPoints)('a run killed %s and resumed after a restart pays each driver exactly once', async (point) => {
    const a = await system.member('driver');
    const b = await system.member('driver');
    const c = await system.member('driver');
    await earn(a, 2500);
    await earn(b, 1200);
    await earn(b, 300);
    await earn(c, 999); // below the policy minimum (1000): rolls over

    const key = `test-${point}`;
    await expect(system.nest.get(PayoutRunner).start(key, treasurer.memberId, point)).rejects.toThrow(SimulatedCrash);
    await system.crash();
    await system.boot();

    const run = await system.http('POST', '/v1/payouts/runs', { token: treasurer.token, body: { runKey: key } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ runKey: key, status: 'completed', policyVersion: 1, minimumAmount: 1000, total: { amount: 4000, currency: 'CAD' } });
    expect(run.body.items.map((i: { driverId: string; amount: { amount: number }; status: string }) => [i.driverId, i.amount.amount, i.status]).sort()).toEqual(
      [[a.memberId, 2500, 'submitted'], [b.memberId, 1500, 'submitted']].sort(),
    );
    for (const d of [a, b]) {
      expect(await payable(d)).toBe(0);
      expect(await payoutEntries(d)).toBe(1);
      expect(await instructions(d)).toBe(1);
    }
    expect(await payable(c)).toBe(-999);
    expect(await payoutEntries(c)).toBe(0);

    // Starting the same run again changes nothing.
    const again = await system.http('POST', '/v1/payouts/runs', { token: treasurer.token, body: { runKey: key } });
    expect(again.body.id).toBe(run.body.id);
    expect(await payoutEntries(a)).toBe(1);
    expect(await instructions(a)).toBe(1);

    // The payment file parses, its totals match, and the CSV lists the same transfers.
    const xml = await system.http('GET', `/v1/payouts/runs/${run.body.id}/pain001.xml`, { token: treasurer.token });
    expect(xml.contentType).toMatch(/application\/xml/);
    const parsed = checkPain001(xml.body);
    expect(parsed).toMatchObject({ nbOfTxs: 2, ctrlSum: '40.00' });
    const csv = await system.http('GET', `/v1/payouts/runs/${run.body.id}/payouts.csv`, { token: treasurer.token });
    expect(csv.body.trim().split('\r\n')).toHaveLength(3);
    expect(csv.body).toContain(',CAD,25.00,2500,');

    // The trial balance still balances; the paid money sits in payouts clearing.
    const [{ total }] = await system.sql<{ total: string }>(`SELECT sum(amount)::text AS total FROM ledger_postings WHERE NOT pending`);
    expect(total).toBe('0');
  });

  it('shows a driver their payouts and the ledger entry behind each', async () => {
    const d = await system.member('driver');
    await earn(d, 3000);
    const run = await system.http('POST', '/v1/payouts/runs', { token: treasurer.token, body: { runKey: 'mine' } });
    expect(run.body.status).toBe('completed');
    const mine = await system.http('GET', '/v1/payouts/me', { token: d.token });
    expect(mine.body.payouts).toEqual([expect.objectContaining({ runId: run.body.id, amount: { amount: 3000, currency: 'CAD' }, status: 'submitted', transactionId: `payout:${run.body.id}:${d.memberId}` })]);
    const statement = await system.http('GET', '/v1/members/me/statement', { token: d.token });
    expect(statement.body.entries.map((e: { transactionId: string }) => e.transactionId)).toContain(`payout:${run.body.id}:${d.memberId}`);
  });

  it('the hourly scheduler starts a run only in a slot of the policy (Monday 06:00 UTC by default), once per slot', async () => {
    const d = await system.member('driver');
    await earn(d, 1000);
    const job = system.nest.get(PayoutScheduleJob);
    expect(await job.tick({ timestamp: Date.parse('2026-11-24T06:10:00Z') })).toBeUndefined(); // a Tuesday
    const runId = await job.tick({ timestamp: Date.parse('2026-11-23T06:10:00Z') });
    expect(await job.tick({ timestamp: Date.parse('2026-11-23T06:40:00Z') })).toBe(runId);
    const [row] = await system.sql<{ run_key: string; status: string }>(`SELECT run_key, status FROM payout_runs WHERE id = $1`, [runId]);
    expect(row).toEqual({ run_key: 'scheduled:2026-11-23T06', status: 'completed' });
    expect(await payoutEntries(d)).toBe(1);
  });

  it('npm run payouts -- run starts a run through the API and writes its files', async () => {
    const d = await system.member('driver');
    await earn(d, 1234);
    const dir = await mkdtemp(join(tmpdir(), 'payouts-cli-'));
    const cli = join(__dirname, '../../payouts/src/cli/payouts.cli.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', cli, 'run', '--url', system.url, '--token', treasurer.token, '--key', 'cli-test', '--files', dir], { cwd: join(__dirname, '../../..') });
    const out = JSON.parse(stdout.trim());
    expect(out).toMatchObject({ runKey: 'cli-test', status: 'completed', payments: 1, total: { amount: 1234, currency: 'CAD' } });
    expect((await readdir(dir)).sort()).toEqual([`${out.runId}-pain001.xml`, `${out.runId}-payouts.csv`]);
    expect(await payoutEntries(d)).toBe(1);
  });

  it('records a refused transfer on its item, and a retry of that one payment submits it once', async () => {
    const ok = await system.member('driver');
    const refused = await system.member('driver');
    await earn(ok, 1500);
    await earn(refused, 1777);
    // The provider's store refuses this one transfer (a bank rejecting a payment, in real PostgreSQL).
    await system.sql(`ALTER TABLE payout_provider_instructions ADD CONSTRAINT test_refuse CHECK (amount <> 1777)`);
    const run = await system.http('POST', '/v1/payouts/runs', { token: treasurer.token, body: { runKey: 'with-failure' } });
    expect(run.body.status).toBe('completed');
    const statusOf = (body: { items: Array<{ driverId: string; status: string }> }, d: Member) => body.items.find((i) => i.driverId === d.memberId)!.status;
    expect(statusOf(run.body, ok)).toBe('submitted');
    expect(statusOf(run.body, refused)).toBe('failed');
    expect(await instructions(refused)).toBe(0);
    expect(await payoutEntries(refused)).toBe(1); // the money waits in payouts clearing

    const retryOk = await system.http('POST', `/v1/payouts/runs/${run.body.id}/items/${ok.memberId}/retry`, { token: treasurer.token });
    expect(retryOk.body.code).toBe('PAYOUT_NOT_FAILED');
    await system.sql(`ALTER TABLE payout_provider_instructions DROP CONSTRAINT test_refuse`);
    const retried = await system.http('POST', `/v1/payouts/runs/${run.body.id}/items/${refused.memberId}/retry`, { token: treasurer.token });
    expect(retried.body).toMatchObject({ status: 'submitted', failure: null, amount: { amount: 1777, currency: 'CAD' } });
    expect(await instructions(refused)).toBe(1);
    expect(await payoutEntries(refused)).toBe(1);
  });
});
