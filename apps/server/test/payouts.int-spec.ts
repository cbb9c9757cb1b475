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

  /** A driver with a payout account (a run pays only drivers who have one). */
  async function payee(): Promise<Member> {
    const d = await system.member('driver');
    const set = await system.http('PUT', '/v1/members/me/payout-account', { token: d.token, body: { holderName: 'Test driver', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' } });
    expect(set.status).toBe(200);
    return d;
  }

  const crashPoints: CrashPoint[] = ['after-plan', 'after-ledger-append', 'after-post', 'after-file', 'after-provider-submit'];

  it.each(crashPoints)('a run killed %s and resumed after a restart pays each driver exactly once', async (point) => {
    const a = await payee();
    const b = await payee();
    const c = await payee();
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
    const d = await payee();
    await earn(d, 3000);
    const run = await system.http('POST', '/v1/payouts/runs', { token: treasurer.token, body: { runKey: 'mine' } });
    expect(run.body.status).toBe('completed');
    const mine = await system.http('GET', '/v1/payouts/me', { token: d.token });
    expect(mine.body.payouts).toEqual([expect.objectContaining({ runId: run.body.id, amount: { amount: 3000, currency: 'CAD' }, status: 'submitted', transactionId: `payout:${run.body.id}:${d.memberId}` })]);
    const statement = await system.http('GET', '/v1/members/me/statement', { token: d.token });
    expect(statement.body.entries.map((e: { transactionId: string }) => e.transactionId)).toContain(`payout:${run.body.id}:${d.memberId}`);
  });

  it('the hourly scheduler starts a run only in a slot of the policy (Monday 06:00 UTC by default), once per slot', async () => {
    const d = await payee();
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
    const d = await payee();
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
    const ok = await payee();
    const refused = await payee();
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

  describe('payout accounts', () => {
    const iban = { holderName: 'Ana Lopes', iban: 'GB82 WEST 1234 5698 7654 32', bic: 'WESTGB2L' };
    const accountRows = async (d: Member) => (await system.sql(`SELECT 1 FROM payout_accounts WHERE member_id = $1`, [d.memberId])).length;

    it('a driver sets an account and reads it back masked; a change is a new row and the newest wins', async () => {
      const d = await system.member('driver');
      expect((await system.http('GET', '/v1/members/me/payout-account', { token: d.token })).status).toBe(404);
      const set = await system.http('PUT', '/v1/members/me/payout-account', { token: d.token, body: iban });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ kind: 'iban', holderName: 'Ana Lopes', iban: '******************5432', bic: 'WESTGB2L' });
      const read = await system.http('GET', '/v1/members/me/payout-account', { token: d.token });
      expect(read.body).toEqual(set.body);
      expect(JSON.stringify(read.body)).not.toContain('WEST1234');

      const canadian = { institution: '003', transit: '12345', account: '9876543210' };
      const changed = await system.http('PUT', '/v1/members/me/payout-account', { token: d.token, body: { holderName: 'Ana Lopes', canadian } });
      expect(changed.body).toMatchObject({ kind: 'canadian', canadian: { institution: '003', transit: '12345', account: '******3210' } });
      expect((await system.http('GET', '/v1/members/me/payout-account', { token: d.token })).body.kind).toBe('canadian');
      expect(await accountRows(d)).toBe(2);
      await expect(system.sql(`UPDATE payout_accounts SET holder_name = 'x' WHERE member_id = $1`, [d.memberId])).rejects.toThrow(/append-only/);
    });

    it.each([
      [{ holderName: 'A', iban: 'GB82WEST12345698765431' }],
      [{ holderName: 'A', iban: 'GB82WEST1234569876543' }],
      [{ holderName: 'A', iban: 'DE89370400440532013000', bic: 'COBA' }],
      [{ holderName: 'A', canadian: { institution: '3', transit: '12345', account: '1234567' } }],
      [{ holderName: 'A', canadian: { institution: '003', transit: '12345', account: '123' } }],
      [{ holderName: 'A' }],
      [{ iban: 'DE89370400440532013000' }],
    ])('bad input %j -> 400 problem+json, nothing stored', async (body) => {
      const d = await system.member('driver');
      const res = await system.http('PUT', '/v1/members/me/payout-account', { token: d.token, body });
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(await accountRows(d)).toBe(0);
    });

    it('riders, treasurers and anonymous callers can neither set nor read one', async () => {
      const rider = await system.member('rider');
      for (const who of [rider, treasurer]) {
        expect((await system.http('PUT', '/v1/members/me/payout-account', { token: who.token, body: iban })).status).toBe(403);
        expect((await system.http('GET', '/v1/members/me/payout-account', { token: who.token })).status).toBe(403);
      }
      expect((await system.http('PUT', '/v1/members/me/payout-account', { body: iban })).status).toBe(401);
      expect((await system.http('GET', '/v1/members/me/payout-account', {})).status).toBe(401);
      expect(await accountRows(rider)).toBe(0);
    });

    it('a run pays to the account (IBAN and BIC in pain.001, masked in the CSV); a driver without one is skipped, then paid by the next run', async () => {
      const withIban = await system.member('driver');
      await system.http('PUT', '/v1/members/me/payout-account', { token: withIban.token, body: iban });
      const canadianDriver = await system.member('driver');
      await system.http('PUT', '/v1/members/me/payout-account', { token: canadianDriver.token, body: { holderName: 'Luc Roy', canadian: { institution: '003', transit: '12345', account: '9876543210' } } });
      const without = await system.member('driver');
      await earn(withIban, 2000);
      await earn(canadianDriver, 1500);
      await earn(without, 1800);

      const run = await system.http('POST', '/v1/payouts/runs', { token: treasurer.token, body: { runKey: 'accounts-1' } });
      expect(run.body).toMatchObject({ status: 'completed', total: { amount: 3500, currency: 'CAD' } });
      expect(run.body.skipped).toEqual([{ runId: run.body.id, driverId: without.memberId, amount: { amount: 1800, currency: 'CAD' }, reason: 'NO_PAYOUT_ACCOUNT' }]);
      expect(await payable(without)).toBe(-1800);
      expect(await payoutEntries(without)).toBe(0);

      const xml = (await system.http('GET', `/v1/payouts/runs/${run.body.id}/pain001.xml`, { token: treasurer.token })).body;
      expect(checkPain001(xml)).toMatchObject({ nbOfTxs: 2, ctrlSum: '35.00' });
      expect(xml).toContain('<CdtrAgt><FinInstnId><BICFI>WESTGB2L</BICFI></FinInstnId></CdtrAgt>');
      expect(xml).toContain('<CdtrAcct><Id><IBAN>GB82WEST12345698765432</IBAN></Id></CdtrAcct>');
      expect(xml).toContain('<Cdtr><Nm>Ana Lopes</Nm></Cdtr>');
      expect(xml).toContain('<MmbId>000312345</MmbId>');
      expect(xml).toContain('<Othr><Id>9876543210</Id><SchmeNm><Prtry>CA-EFT</Prtry></SchmeNm></Othr>');
      const csv = (await system.http('GET', `/v1/payouts/runs/${run.body.id}/payouts.csv`, { token: treasurer.token })).body;
      expect(csv).toContain(',Ana Lopes,******************5432,CAD,20.00,2000,');
      expect(csv).toContain(',Luc Roy,CA 003-12345 ******3210,CAD,15.00,1500,');
      expect(csv).not.toContain('GB82WEST');

      const seen = await system.http('GET', '/v1/payouts/me', { token: without.token });
      expect(seen.body).toMatchObject({ payouts: [], skipped: [{ runId: run.body.id, reason: 'NO_PAYOUT_ACCOUNT', amount: { amount: 1800, currency: 'CAD' } }] });

      await system.http('PUT', '/v1/members/me/payout-account', { token: without.token, body: { holderName: 'Late', iban: 'FR1420041010050500013M02606' } });
      const next = await system.http('POST', '/v1/payouts/runs', { token: treasurer.token, body: { runKey: 'accounts-2' } });
      expect(next.body.skipped).toEqual([]);
      expect(next.body.items.map((i: { driverId: string; amount: { amount: number } }) => [i.driverId, i.amount.amount])).toEqual([[without.memberId, 1800]]);
      expect(await payable(without)).toBe(0);
      const nextXml = (await system.http('GET', `/v1/payouts/runs/${next.body.id}/pain001.xml`, { token: treasurer.token })).body;
      expect(checkPain001(nextXml)).toMatchObject({ nbOfTxs: 1, ctrlSum: '18.00' });
      expect(nextXml).toContain('<IBAN>FR1420041010050500013M02606</IBAN>');
      expect(nextXml).not.toContain('<CdtrAgt>'); // no BIC given: the bank finds the agent from the IBAN
    });
  });
});
