import { money, splitFare, defaultFarePolicy } from '@coop/money';
import { ADMIN, TestSystem, area } from './system.harness';

jest.setTimeout(60_000);

describe('the fare ledger end to end', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system.stop();
  });

  it("holds the fare at request and posts it at completion: the rider's and driver's statements and the trial balance agree to the cent", async () => {
    const driver = await system.onlineDriver();
    const rider = await system.member('rider');
    const { tripId, quote } = await system.requestTrip(rider);
    // At request: a pending hold of the quote plus the policy's 20 % margin, nothing posted.
    await system.untilPosted(`trip:${tripId}:hold`);
    const held = Math.round(quote.fare.amount * 1.2);
    const requested = await system.http('GET', '/v1/members/me/statement', { token: rider.token });
    expect(requested.body.accounts).toEqual([
      expect.objectContaining({ accountId: `rider:${rider.memberId}:receivable`, closing: { amount: 0, currency: 'CAD' }, pendingClosing: { amount: -held, currency: 'CAD' } }),
    ]);
    expect(requested.body.entries).toEqual([
      expect.objectContaining({ transactionId: `trip:${tripId}:hold`, kind: 'payment.hold', tripId, lines: [{ accountId: `rider:${rider.memberId}:receivable`, amount: { amount: -held, currency: 'CAD' }, pending: true }] }),
    ]);

    const trip = await system.driveTrip(driver, tripId);
    const fare: number = trip.finalFare.amount;
    const split = splitFare(defaultFarePolicy, money(fare, 'CAD'));
    await system.untilPosted(`trip:${tripId}:completed`);
    await system.untilPosted(`trip:${tripId}:hold:posted`);

    // At completion: the fare is charged to the rider and paid from the hold; the rest of the hold is released.
    const riderStatement = await system.http('GET', '/v1/members/me/statement', { token: rider.token });
    expect(riderStatement.status).toBe(200);
    expect(riderStatement.body.accounts).toEqual([
      expect.objectContaining({ accountId: `rider:${rider.memberId}:receivable`, closing: { amount: 0, currency: 'CAD' }, pendingClosing: { amount: 0, currency: 'CAD' }, normalBalance: 'debit' }),
    ]);
    const byId = Object.fromEntries(riderStatement.body.entries.map((e: { transactionId: string }) => [e.transactionId, e]));
    expect(Object.keys(byId).sort()).toEqual([`trip:${tripId}:completed`, `trip:${tripId}:hold`, `trip:${tripId}:hold:posted`]);
    const entry = byId[`trip:${tripId}:completed`];
    expect(entry).toMatchObject({
      transactionId: `trip:${tripId}:completed`,
      kind: 'trip.completed',
      tripId,
      policyHash: trip.policyHash,
      lines: [{ accountId: `rider:${rider.memberId}:receivable`, amount: { amount: fare, currency: 'CAD' } }],
      details: { fare: { total: { amount: fare, currency: 'CAD' }, distanceMeters: 2600, durationSeconds: 540, rule: 'metered' } },
    });
    expect(byId[`trip:${tripId}:hold:posted`]).toMatchObject({
      kind: 'payment.capture',
      lines: [
        { accountId: `rider:${rider.memberId}:receivable`, amount: { amount: held, currency: 'CAD' }, pending: true },
        { accountId: `rider:${rider.memberId}:receivable`, amount: { amount: -fare, currency: 'CAD' } },
      ],
      details: { held: { amount: held, currency: 'CAD' } },
    });
    // The other party is not named in a member's statement.
    expect(JSON.stringify(riderStatement.body)).not.toContain(driver.memberId);

    const driverStatement = await system.http('GET', '/v1/members/me/statement', { token: driver.token });
    expect(driverStatement.body.accounts).toEqual([
      expect.objectContaining({ accountId: `driver:${driver.memberId}:payable`, closing: { amount: -Number(split.driver.amount), currency: 'CAD' } }),
    ]);
    expect(driverStatement.body.entries[0].details.split).toEqual({
      commission: { amount: Number(split.commission.amount), currency: 'CAD' },
      commonFund: { amount: 0, currency: 'CAD' },
      driver: { amount: Number(split.driver.amount), currency: 'CAD' },
    });

    const admin = await system.token(ADMIN.email, ADMIN.password);
    const trial = await system.http('GET', '/v1/ledger/trial-balance', { token: admin });
    expect(trial.status).toBe(200);
    expect(trial.body.totals).toEqual([{ currency: 'CAD', posted: { amount: 0, currency: 'CAD' }, pending: { amount: 0, currency: 'CAD' }, balanced: true }]);
    const byAccount = Object.fromEntries(trial.body.accounts.map((a: { accountId: string; posted: { amount: number } }) => [a.accountId, a.posted.amount]));
    expect(byAccount).toMatchObject({
      [`rider:${rider.memberId}:receivable`]: 0,
      'payments:clearing': fare,
      [`driver:${driver.memberId}:payable`]: -Number(split.driver.amount),
      'coop:commission': -Number(split.commission.amount),
    });
    expect(Number(split.commission.amount) + Number(split.driver.amount)).toBe(fare);
    expect(await system.http('GET', '/v1/ledger/trial-balance', { token: rider.token })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });

    const reconciliation = await system.http('GET', '/v1/ledger/reconciliation', { token: admin });
    expect(reconciliation.body).toMatchObject({ transactions: 3, differences: [], invalidEntries: [], totals: [{ currency: 'CAD', posted: '0', pending: '0' }] });
  });

  it('takes a tip after completion once, idempotently, and gives it to the driver in full', async () => {
    const driver = await system.onlineDriver(area(1));
    const rider = await system.member('rider');
    const { tripId } = await system.requestTrip(rider, area(1), { lat: area(1).lat + 0.015, lng: area(1).lng - 0.01 });
    const stranger = await system.member('rider');
    const early = await system.http('POST', `/v1/trips/${tripId}/tip`, { token: rider.token, body: { tip: { amount: 300, currency: 'CAD' } } });
    expect(early).toMatchObject({ status: 409, body: { code: 'TRIP_NOT_SETTLED' }, contentType: expect.stringContaining('application/problem+json') });

    await system.driveTrip(driver, tripId);
    await system.untilPosted(`trip:${tripId}:completed`);
    const body = { tip: { amount: 300, currency: 'CAD' } };
    const first = await system.http('POST', `/v1/trips/${tripId}/tip`, { token: rider.token, body });
    expect(first).toMatchObject({ status: 202, body: { tripId, transactionId: `trip:${tripId}:tip`, tip: { amount: 300, currency: 'CAD' } } });
    // Recorded at once, posted by the ledger's worker from the queue shortly after.
    await system.untilPosted(`trip:${tripId}:tip`);
    const state = await system.http('GET', `/v1/trips/${tripId}/tip`, { token: rider.token });
    expect(state).toMatchObject({ status: 200, body: { tripId, state: 'posted', tip: { amount: 300, currency: 'CAD' }, requestedAt: first.body.requestedAt } });
    const again = await system.http('POST', `/v1/trips/${tripId}/tip`, { token: rider.token, body });
    expect(again).toMatchObject({ status: 200, body: state.body });
    expect(await system.http('GET', `/v1/trips/${tripId}/tip`, { token: stranger.token })).toMatchObject({ status: 404, body: { code: 'TRIP_NOT_FOUND' } });
    const other = await system.http('POST', `/v1/trips/${tripId}/tip`, { token: rider.token, body: { tip: { amount: 500, currency: 'CAD' } } });
    expect(other).toMatchObject({ status: 409, body: { code: 'LEDGER_IDEMPOTENCY_CONFLICT' } });

    const refusals = [
      { token: stranger.token, body, code: 'TRIP_NOT_FOUND', status: 404 },
      { token: rider.token, body: { tip: { amount: 0, currency: 'CAD' } }, code: 'VALIDATION_FAILED', status: 400 },
      { token: rider.token, body: { tip: { amount: 2.5, currency: 'CAD' } }, code: 'VALIDATION_FAILED', status: 400 },
      { token: rider.token, body: { tip: 300 }, code: 'VALIDATION_FAILED', status: 400 },
      { token: driver.token, body, code: 'FORBIDDEN', status: 403 },
    ];
    for (const r of refusals) {
      expect(await system.http('POST', `/v1/trips/${tripId}/tip`, { token: r.token, body: r.body })).toMatchObject({ status: r.status, body: { code: r.code } });
    }
    // Above the policy's maximum (CAD 100), on a trip of its own.
    const { tripId: second } = await system.requestTrip(rider, area(1), { lat: area(1).lat + 0.015, lng: area(1).lng - 0.01 });
    await system.driveTrip(driver, second);
    await system.untilPosted(`trip:${second}:completed`);
    const tooMuch = await system.http('POST', `/v1/trips/${second}/tip`, { token: rider.token, body: { tip: { amount: 10_001, currency: 'CAD' } } });
    expect(tooMuch).toMatchObject({ status: 422, body: { code: 'TIP_REJECTED' } });

    const statement = await system.http('GET', '/v1/members/me/statement', { token: driver.token });
    const tips = statement.body.accounts.find((a: { accountId: string }) => a.accountId === `driver:${driver.memberId}:tips-payable`);
    expect(tips.closing).toEqual({ amount: -300, currency: 'CAD' });
    const csv = await system.http('GET', '/v1/members/me/statement.csv', { token: driver.token });
    expect(csv.contentType).toContain('text/csv');
    expect(csv.body).toContain(`trip:${tripId}:tip,trip.tip,${tripId},driver:${driver.memberId}:tips-payable,-300,CAD,false`);
  });

  it('statements cover a half-open time range and refuse a bad one', async () => {
    const rider = await system.member('rider');
    const future = await system.http('GET', `/v1/members/me/statement?from=2099-01-01T00:00:00Z`, { token: rider.token });
    expect(future).toMatchObject({ status: 200, body: { accounts: [], entries: [], truncated: false } });
    const reversed = await system.http('GET', `/v1/members/me/statement?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, { token: rider.token });
    expect(reversed).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const junk = await system.http('GET', `/v1/members/me/statement?from=yesterday`, { token: rider.token });
    expect(junk).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await system.http('GET', '/v1/members/me/statement')).toMatchObject({ status: 401 });
  });

  it('voids the hold when the rider cancels before a driver is matched', async () => {
    const rider = await system.member('rider');
    const nowhere = area(3); // no driver is online there
    const { tripId } = await system.requestTrip(rider, nowhere, { lat: nowhere.lat + 0.015, lng: nowhere.lng - 0.01 });
    await system.untilPosted(`trip:${tripId}:hold`);
    expect(await system.http('POST', `/v1/trips/${tripId}/cancel`, { token: rider.token, body: {} })).toMatchObject({ status: 200 });
    await system.untilPosted(`trip:${tripId}:hold:voided`);
    const statement = await system.http('GET', '/v1/members/me/statement', { token: rider.token });
    expect(statement.body.accounts).toEqual([expect.objectContaining({ closing: { amount: 0, currency: 'CAD' }, pendingClosing: { amount: 0, currency: 'CAD' } })]);
    expect(statement.body.entries.map((e: { transactionId: string; kind: string }) => [e.transactionId, e.kind])).toEqual([
      [`trip:${tripId}:hold`, 'payment.hold'],
      [`trip:${tripId}:hold:voided`, 'payment.void'],
    ]);
    expect(await system.sql(`SELECT 1 FROM ledger_transactions WHERE id = $1`, [`trip:${tripId}:cancelled`])).toEqual([]);
  });

  // Last in the file: it changes the fare policy for every later quote.
  it('charges the cancellation fee per policy when the rider cancels after a match', async () => {
    await system.useFarePolicy({ cancellation: { graceSeconds: 0, commissionApplies: false } });
    const driver = await system.onlineDriver(area(2));
    const rider = await system.member('rider');
    const { tripId } = await system.requestTrip(rider, area(2), { lat: area(2).lat + 0.015, lng: area(2).lng - 0.01 });
    const offer = await driver.socket.next('offer', (o) => o.tripId === tripId);
    expect(await driver.socket.call('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    // The fee is due strictly after the grace period: let a second pass after the match.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await system.http('POST', `/v1/trips/${tripId}/cancel`, { token: rider.token, body: {} })).toMatchObject({ status: 200 });
    await system.untilPosted(`trip:${tripId}:cancelled`);
    await system.untilPosted(`trip:${tripId}:hold:posted`);

    // The fee is charged and paid from the card hold; the rest of the hold is released.
    const riderStatement = await system.http('GET', '/v1/members/me/statement', { token: rider.token });
    expect(riderStatement.body.accounts).toEqual([expect.objectContaining({ closing: { amount: 0, currency: 'CAD' }, pendingClosing: { amount: 0, currency: 'CAD' } })]);
    const byId = Object.fromEntries(riderStatement.body.entries.map((e: { transactionId: string }) => [e.transactionId, e]));
    expect(byId[`trip:${tripId}:cancelled`]).toEqual(expect.objectContaining({ kind: 'trip.cancelled', tripId, details: expect.objectContaining({ reason: 'charged' }) }));
    expect(byId[`trip:${tripId}:hold:posted`]).toMatchObject({ kind: 'payment.capture', details: { reason: 'cancellation fee', charged: { amount: 500, currency: 'CAD' } } });
    const driverStatement = await system.http('GET', '/v1/members/me/statement', { token: driver.token });
    expect(driverStatement.body.accounts).toEqual([expect.objectContaining({ accountId: `driver:${driver.memberId}:payable`, closing: { amount: -500, currency: 'CAD' } })]);
    const trial = await system.http('GET', '/v1/ledger/trial-balance', { token: await system.token(ADMIN.email, ADMIN.password) });
    expect(trial.body.totals).toEqual([expect.objectContaining({ currency: 'CAD', balanced: true })]);
  });
});
