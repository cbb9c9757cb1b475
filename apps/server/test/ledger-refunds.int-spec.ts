import { ADMIN, TestSystem, area, near } from './system.harness';

jest.setTimeout(90_000);

type Line = { accountId: string; amount: { amount: number; currency: string } };

/**
 * Refunds and corrections through the API on the whole system: real trips completed over the
 * driver's socket, posted by the ledger from the queue, refunded by a treasurer.
 */
describe('ledger refunds and corrections', () => {
  let system: TestSystem;
  let treasurer: { token: string; memberId: string };
  let admin: string;
  let n = 10;

  beforeAll(async () => {
    system = await TestSystem.start();
    treasurer = await system.treasurer();
    admin = await system.token(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await system.stop();
  });

  /** A completed trip, its fare posted; each in a neighbourhood of its own. */
  async function completedTrip() {
    const at = area(n++);
    const driver = await system.onlineDriver(at);
    const rider = await system.member('rider');
    const { tripId } = await system.requestTrip(rider, at, near(at));
    // The card hold first: a completion the ledger sees before its hold posts no capture, and
    // the rider's receivable would then hold the fare instead of nothing (see ledger.int-spec).
    await system.untilPosted(`trip:${tripId}:hold`);
    const trip = await system.driveTrip(driver, tripId);
    await system.untilPosted(`trip:${tripId}:completed`);
    await system.untilPosted(`trip:${tripId}:hold:posted`);
    const [completed] = await system.sql<{ lines: Line[] }>(
      `SELECT json_agg(json_build_object('accountId', account_id, 'amount', amount) ORDER BY index) AS lines FROM ledger_postings WHERE transaction_id = $1`,
      [`trip:${tripId}:completed`],
    );
    const share = (prefix: string) => -Number((completed!.lines as unknown as Array<{ accountId: string; amount: string }>).find((l) => l.accountId.startsWith(prefix))?.amount ?? 0);
    return { driver, rider, tripId, fare: trip.finalFare.amount as number, driverShare: share('driver:'), commission: share('coop:commission') };
  }

  const refund = (token: string, body: object) => system.http('POST', '/v1/ledger/refunds', { token, body });
  const balance = async (accountId: string) =>
    Number((await system.sql<{ s: string }>(`SELECT coalesce(sum(amount), 0)::text AS s FROM ledger_postings WHERE account_id = $1 AND NOT pending`, [accountId]))[0]!.s);

  it('refunds part of a fare in proportion, idempotently, then the rest exactly; never more; on both statements and the CSV', async () => {
    const t = await completedTrip();
    const part = Math.floor(t.fare / 3);
    const body = { id: `r-${t.tripId}`, tripId: t.tripId, amount: { amount: part, currency: 'CAD' }, reason: 'long detour' };
    const first = await refund(treasurer.token, body);
    expect(first).toMatchObject({
      status: 201,
      body: {
        transactionId: `refund:r-${t.tripId}`, kind: 'refund', reverses: `trip:${t.tripId}:completed`, tripId: t.tripId, reason: 'long detour',
        requestedBy: treasurer.memberId, amount: { amount: part, currency: 'CAD' },
        refund: { amount: { amount: part }, charged: { amount: t.fare }, refundedBefore: { amount: 0 }, refundedAfter: { amount: part } },
      },
    });
    const lines: Line[] = first.body.lines;
    expect(lines.reduce((s, l) => s + l.amount.amount, 0)).toBe(0);
    expect(lines[0]).toEqual({ accountId: `rider:${t.rider.memberId}:receivable`, amount: { amount: -part, currency: 'CAD' } });
    expect(lines.every((l, i) => i === 0 || l.amount.amount > 0)).toBe(true);
    // The same request again returns the original; another amount under the same id is refused.
    expect(await refund(treasurer.token, body)).toMatchObject({ status: 200, body: first.body });
    expect(await refund(treasurer.token, { ...body, amount: { amount: part + 1, currency: 'CAD' } })).toMatchObject({ status: 409, body: { code: 'LEDGER_IDEMPOTENCY_CONFLICT' } });

    // The rest: without an amount. Together the refunds give each share back exactly.
    const rest = await refund(admin, { id: `rest-${t.tripId}`, tripId: t.tripId, reason: 'trip not as promised' });
    expect(rest).toMatchObject({ status: 201, body: { amount: { amount: t.fare - part }, refund: { refundedBefore: { amount: part }, refundedAfter: { amount: t.fare } } } });
    expect(await balance(`driver:${t.driver.memberId}:payable`)).toBe(0);
    expect(await balance(`rider:${t.rider.memberId}:receivable`)).toBe(-t.fare); // paid from the card hold, now owed back to the rider
    const more = await refund(treasurer.token, { id: `more-${t.tripId}`, tripId: t.tripId, amount: { amount: 1, currency: 'CAD' }, reason: 'again' });
    expect(more).toMatchObject({ status: 409, body: { code: 'REFUND_EXCEEDS_CHARGE' }, contentType: expect.stringContaining('application/problem+json') });

    const statement = await system.http('GET', '/v1/members/me/statement', { token: t.driver.token });
    const refunds = statement.body.entries.filter((e: { kind: string }) => e.kind === 'refund');
    expect(refunds).toHaveLength(2);
    expect(refunds[0]).toMatchObject({ transactionId: `refund:r-${t.tripId}`, reverses: `trip:${t.tripId}:completed`, tripId: t.tripId, details: { reason: 'long detour' } });
    expect(JSON.stringify(statement.body)).not.toContain(t.rider.memberId);
    const csv = await system.http('GET', '/v1/members/me/statement.csv', { token: t.rider.token });
    expect(csv.body).toContain(`refund:r-${t.tripId},refund,${t.tripId},rider:${t.rider.memberId}:receivable,${-part},CAD,false,trip:${t.tripId}:completed,long detour`);

    const trial = await system.http('GET', '/v1/ledger/trial-balance', { token: treasurer.token });
    expect(trial.body.totals).toEqual([expect.objectContaining({ currency: 'CAD', balanced: true })]);
    const reconciliation = await system.http('GET', '/v1/ledger/reconciliation', { token: treasurer.token });
    expect(reconciliation.body).toMatchObject({ differences: [], invalidEntries: [] });
  });

  it('refuses bad input with 400 problem+json, other roles with 403, unknown entries with 404; and changes nothing', async () => {
    const t = await completedTrip();
    const ok = { id: 'bad-1', tripId: t.tripId, amount: { amount: 100, currency: 'CAD' }, reason: 'x' };
    const bad = [
      { ...ok, reason: '' },
      { ...ok, amount: { amount: 0, currency: 'CAD' } },
      { ...ok, amount: { amount: 2.5, currency: 'CAD' } },
      { ...ok, amount: { amount: 100, currency: 'cad' } },
      { ...ok, amount: { amount: 100, currency: 'USD' } }, // not the currency charged
      { ...ok, id: 'has:colon' },
      { ...ok, of: 'everything' },
      { ...ok, extra: true },
      { tripId: t.tripId, reason: 'no id' },
    ];
    for (const body of bad) {
      const res = await refund(treasurer.token, body);
      expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' }, contentType: expect.stringContaining('application/problem+json') });
    }
    for (const token of [t.rider.token, t.driver.token]) {
      expect(await refund(token, ok)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      expect(await system.http('POST', '/v1/ledger/corrections', { token, body: { id: 'c', transactionId: `trip:${t.tripId}:completed`, reason: 'x' } })).toMatchObject({ status: 403 });
    }
    expect(await refund(treasurer.token, { ...ok, tripId: 'no-such-trip' })).toMatchObject({ status: 404, body: { code: 'LEDGER_ENTRY_NOT_FOUND' } });
    expect(await refund(treasurer.token, { ...ok, of: 'tip' })).toMatchObject({ status: 404, body: { code: 'LEDGER_ENTRY_NOT_FOUND' } });
    const hold = await system.http('POST', '/v1/ledger/corrections', { token: treasurer.token, body: { id: 'c-hold', transactionId: `trip:${t.tripId}:hold`, reason: 'x' } });
    expect(hold).toMatchObject({ status: 422, body: { code: 'NOT_REVERSIBLE' } });
    expect(await system.sql(`SELECT id FROM ledger_transactions WHERE reverses IS NOT NULL AND trip_id = $1`, [t.tripId])).toEqual([]);
  });

  it('two partial refunds at once both post when they fit, one after the other; of two that do not fit together, one is refused', async () => {
    const t = await completedTrip();
    const twoFifths = Math.floor((t.fare * 2) / 5);
    const both = await Promise.all(
      ['a', 'b'].map((k) => refund(treasurer.token, { id: `c-${k}-${t.tripId}`, tripId: t.tripId, amount: { amount: twoFifths, currency: 'CAD' }, reason: `part ${k}` })),
    );
    expect(both.map((r) => r.status)).toEqual([201, 201]);
    // Serialized by the database: one follows the other in the chain.
    const befores = both.map((r) => r.body.refund.refundedBefore.amount).sort((a: number, b: number) => a - b);
    expect(befores).toEqual([0, twoFifths]);
    const left = t.fare - 2 * twoFifths;
    const race = await Promise.all(
      ['x', 'y', 'z'].map((k) => refund(treasurer.token, { id: `c-${k}-${t.tripId}`, tripId: t.tripId, amount: { amount: left, currency: 'CAD' }, reason: `rest ${k}` })),
    );
    expect(race.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(race.filter((r) => r.status === 409).every((r) => r.body.code === 'REFUND_EXCEEDS_CHARGE')).toBe(true);
    // Exactly the fare came back, and each share exactly.
    const rows = await system.sql<{ s: string }>(
      `SELECT coalesce(sum(p.amount), 0)::text AS s FROM ledger_transactions t JOIN ledger_postings p ON p.transaction_id = t.id WHERE t.reverses = $1 AND p.account_id = $2`,
      [`trip:${t.tripId}:completed`, `rider:${t.rider.memberId}:receivable`],
    );
    expect(Number(rows[0]!.s)).toBe(-t.fare);
    expect(await balance(`driver:${t.driver.memberId}:payable`)).toBe(0);
  });

  it('corrects a tip by reversing it in full, once; a refunded fare cannot be corrected', async () => {
    const t = await completedTrip();
    expect(await system.http('POST', `/v1/trips/${t.tripId}/tip`, { token: t.rider.token, body: { tip: { amount: 400, currency: 'CAD' } } })).toMatchObject({ status: 202 });
    await system.untilPosted(`trip:${t.tripId}:tip`);
    const body = { id: `fix-${t.tripId}`, transactionId: `trip:${t.tripId}:tip`, reason: 'tip entered twice by the rider app' };
    const fixed = await system.http('POST', '/v1/ledger/corrections', { token: treasurer.token, body });
    expect(fixed).toMatchObject({ status: 201, body: { transactionId: `correction:fix-${t.tripId}`, kind: 'reversal', reverses: `trip:${t.tripId}:tip`, amount: { amount: 400 } } });
    expect(await balance(`driver:${t.driver.memberId}:tips-payable`)).toBe(0);
    expect(await system.http('POST', '/v1/ledger/corrections', { token: treasurer.token, body })).toMatchObject({ status: 200, body: fixed.body });
    expect(await system.http('POST', '/v1/ledger/corrections', { token: treasurer.token, body: { ...body, id: `fix2-${t.tripId}` } })).toMatchObject({
      status: 409,
      body: { code: 'REFUND_EXCEEDS_CHARGE' },
    });
    expect(await refund(treasurer.token, { id: `tip-${t.tripId}`, tripId: t.tripId, of: 'tip', reason: 'after correction' })).toMatchObject({ status: 409, body: { code: 'REFUND_EXCEEDS_CHARGE' } });

    expect(await refund(treasurer.token, { id: `p-${t.tripId}`, tripId: t.tripId, amount: { amount: 1, currency: 'CAD' }, reason: 'a cent' })).toMatchObject({ status: 201 });
    const late = await system.http('POST', '/v1/ledger/corrections', { token: treasurer.token, body: { id: `late-${t.tripId}`, transactionId: `trip:${t.tripId}:completed`, reason: 'x' } });
    expect(late).toMatchObject({ status: 409, body: { code: 'REFUND_EXCEEDS_CHARGE', detail: expect.stringContaining('refunded in part') } });

    const statement = await system.http('GET', '/v1/members/me/statement', { token: t.driver.token });
    expect(statement.body.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'reversal', reverses: `trip:${t.tripId}:tip`, details: expect.objectContaining({ reversedKind: 'trip.tip' }) })]),
    );
  });
});
