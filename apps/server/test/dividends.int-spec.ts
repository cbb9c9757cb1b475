import { DividendsService } from '../../payouts/src/dividends/dividends.service';
import { postCompletedTrip } from './journal-fixtures';
import { TestSystem } from './system.harness';

jest.setTimeout(120_000);

type Member = { memberId: string; token: string };

/**
 * The year-end close against the real ledger: fares posted through the ledger's posting
 * service (a trip's rider charge, driver share and commission), expenses entered by the
 * treasurer, the surplus allocated by the default policy (fare revenue basis, 30% reserve,
 * 20% cash).
 */
describe('patronage dividends', () => {
  let system: TestSystem;
  let treasurer: Member;
  const year = new Date().getUTCFullYear();

  beforeAll(async () => {
    system = await TestSystem.start();
    treasurer = await system.treasurer();
  });
  afterAll(async () => {
    await system.stop();
  });

  const trip = (rider: Member, driver: Member, fare: number, commission: number) => postCompletedTrip(system, rider, driver, fare, commission);

  it('refuses non-treasurers and bad expenses', async () => {
    const rider = await system.member('rider');
    expect((await system.http('POST', `/v1/dividends/periods/${year}/close`, { token: rider.token })).body.code).toBe('FORBIDDEN');
    const zero = await system.http('POST', `/v1/dividends/periods/${year}/expenses`, { token: treasurer.token, body: { description: 'x', amount: { amount: 0, currency: 'CAD' } } });
    expect(zero.status).toBe(400);
    const usd = await system.http('POST', `/v1/dividends/periods/${year}/expenses`, { token: treasurer.token, body: { description: 'x', amount: { amount: 10, currency: 'USD' } } });
    expect(usd.body.code).toBe('VALIDATION_FAILED');
    expect((await system.http('POST', '/v1/dividends/periods/1999/close', { token: treasurer.token })).body.code).toBe('VALIDATION_FAILED');
  });

  it('closes the year (resuming a close killed half way): surplus from the ledger less expenses, reserve, largest-remainder allocation, cash >= 20%, one balanced entry', async () => {
    const [r1, r2] = [await system.member('rider'), await system.member('rider')];
    const [d1, d2] = [await system.member('driver'), await system.member('driver')];
    await trip(r1, d1, 1000, 100);
    await trip(r2, d2, 2000, 200);
    await trip(r1, d2, 500, 50);
    const expense = await system.http('POST', `/v1/dividends/periods/${year}/expenses`, { token: treasurer.token, body: { description: 'insurance', amount: { amount: 49, currency: 'CAD' } } });
    expect(expense.status).toBe(201);

    // The close is killed after storing the allocation and before posting it: after a restart,
    // closing again posts that same allocation once.
    const service = system.nest.get(DividendsService);
    expect(await service['compute'](year, treasurer.memberId, Date.now())).toMatchObject({ status: 'closing' });
    await system.crash();
    await system.boot();
    expect(await system.sql(`SELECT 1 FROM ledger_transactions WHERE kind = 'dividend'`)).toEqual([]);
    const closing = await system.http('POST', `/v1/dividends/periods/${year}/expenses`, { token: treasurer.token, body: { description: 'late', amount: { amount: 5, currency: 'CAD' } } });
    expect(closing.body.code).toBe('DIVIDEND_PERIOD_CLOSED');

    const closed = await system.http('POST', `/v1/dividends/periods/${year}/close`, { token: treasurer.token });
    expect(closed.status).toBe(200);
    const a = closed.body.allocation;
    expect(closed.body).toMatchObject({ status: 'closed', transactionId: `dividend:${year}` });
    // revenue 350 - expenses 49 = 301; reserve 30% = 90.3 -> 90 (half to even); 211 to members.
    expect(a).toMatchObject({ revenue: 350, expenses: 49, surplus: 301, reserve: 90, allocated: 211, basis: 'fare_revenue' });
    const patronage: Record<string, number> = { [r1.memberId]: 1500, [r2.memberId]: 2000, [d1.memberId]: 900, [d2.memberId]: 2250 };
    expect(Object.fromEntries(a.members.map((m: { memberId: string; patronage: number }) => [m.memberId, m.patronage]))).toEqual(patronage);
    const total = 6650;
    expect(a.members.reduce((s: number, m: { allocation: number }) => s + m.allocation, 0)).toBe(211);
    for (const m of a.members) {
      expect(Math.abs(m.allocation - (211 * m.patronage) / total)).toBeLessThan(1);
      expect(m.cash + m.retained).toBe(m.allocation);
      expect(m.cash * 10_000).toBeGreaterThanOrEqual(2000 * m.allocation);
    }

    // The ledger entry balances and books each part; the trial balance stays at zero.
    const postings = await system.sql<{ account_id: string; amount: string }>(`SELECT account_id, amount::text FROM ledger_postings WHERE transaction_id = $1`, [`dividend:${year}`]);
    expect(postings.reduce((s, p) => s + Number(p.amount), 0)).toBe(0);
    expect(postings.find((p) => p.account_id === 'coop:reserve')!.amount).toBe('-90');
    const mine = a.members.find((m: { memberId: string }) => m.memberId === d2.memberId);
    expect(Number(postings.find((p) => p.account_id === `member:${d2.memberId}:capital`)?.amount ?? 0)).toBe(-mine.retained);

    // Each member's statement gives their share and the inputs.
    const statement = await system.http('GET', `/v1/dividends/periods/${year}/me`, { token: d2.token });
    expect(statement.body).toMatchObject({ surplus: 301, totalPatronage: total, patrons: 4, member: mine });

    // Closing again changes nothing; the period takes no more expenses.
    const again = await system.http('POST', `/v1/dividends/periods/${year}/close`, { token: treasurer.token });
    expect(again.body).toEqual(closed.body);
    const late = await system.http('POST', `/v1/dividends/periods/${year}/expenses`, { token: treasurer.token, body: { description: 'late', amount: { amount: 5, currency: 'CAD' } } });
    expect(late.body.code).toBe('DIVIDEND_PERIOD_CLOSED');
    expect((await system.sql(`SELECT 1 FROM ledger_transactions WHERE kind = 'dividend'`)).length).toBe(1);
  });
});
