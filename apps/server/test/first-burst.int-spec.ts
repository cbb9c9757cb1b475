import { TestSystem, area, near } from './system.harness';

jest.setTimeout(90_000);

/** More than the app's database pool (createDataSource's default of 10 connections). */
const BURST = 14;

/**
 * A node that has not dispatched yet meets a burst of requests larger than its pool. Each
 * request holds a pool connection (its uncommitted trip) while its decision is logged, and
 * building the first decision's leaf needs the period's pseudonym key: if that lookup had to
 * wait for a pool connection, every connection would be held by a request waiting for it
 * (friday's stall, 2026-12-07: the pool idle in transaction, no offer ever sent).
 */
describe('a first burst larger than the pool', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('offers every trip of the burst', async () => {
    const zones = Array.from({ length: BURST }, (_, i) => area(40 + i));
    for (const zone of zones) await system.onlineDriver(zone);
    const riders = await Promise.all(zones.map(() => system.member('rider')));
    const quotes = await Promise.all(
      zones.map(async (pickup, i) => {
        const res = await system.http('POST', '/v1/quotes', { token: riders[i].token, body: { kind: 'ride', pickup, dropoff: near(pickup) } });
        expect(res.status).toBe(201);
        return res.body.quoteId as string;
      }),
    );

    const answers = await Promise.all(
      quotes.map((quoteId, i) => system.http('POST', '/v1/trips', { token: riders[i].token, body: { quoteId } })),
    );
    expect(answers.map((a) => a.status)).toEqual(zones.map(() => 201));
    for (const answer of answers) {
      const offer = await system.pendingOffer(answer.body.tripId as string, 1, 20_000);
      expect(offer.state).toBe('pending');
    }
  });
});
