import { randomBytes, randomUUID } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { money } from '@coop/money';
import { AppConfig, DomainError, RedisConnections, SystemClock } from '@coop/platform';
import { testRedisUrl } from '@coop/testing';
import { BadEventError, TripEventHandler } from '../src/events/trip-event.handler';
import { TRIP_EVENTS_QUEUE, startTripEventsWorker } from '../src/events/trip-events.worker';
import { TipRelayService } from '../src/tips/tip-relay.service';
import { TipRequestsRepository } from '../src/tips/tip-requests.repository';
import { TipsService } from '../src/tips/tips.service';
import { completedEvent, ledgerOnFreshDatabase } from './ledger-fixtures';

jest.setTimeout(60_000);

/**
 * Tips as events against real PostgreSQL and Redis: the tip route's service records the tip,
 * the relay enqueues `trip.tipped` on `trip-events`, the ledger's worker posts it.
 */
describe('tips through the queue', () => {
  let ledger: Awaited<ReturnType<typeof ledgerOnFreshDatabase>>;
  let connections: RedisConnections;
  let queue: Queue;
  let requests: TipRequestsRepository;
  let relay: TipRelayService;
  let tips: TipsService;
  const redisPrefix = `test-${randomBytes(4).toString('hex')}`;
  const prefix = `${redisPrefix}:bull`;
  const workers: Worker[] = [];

  beforeAll(async () => {
    ledger = await ledgerOnFreshDatabase();
    connections = new RedisConnections(testRedisUrl());
    queue = new Queue(TRIP_EVENTS_QUEUE, { connection: connections.create(), prefix });
    requests = new TipRequestsRepository(ledger.db);
    relay = new TipRelayService(requests, connections, { WORKERS: false, REDIS_PREFIX: redisPrefix } as AppConfig);
    // Each test relays explicitly, so no background run races it for the rows; the relay
    // right after a tip is covered end to end (apps/server/test/ledger.int-spec.ts).
    relay.relaySoon = () => undefined;
    tips = new TipsService(ledger.journal, requests, relay, ledger.policies, new SystemClock());
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  afterAll(async () => {
    await relay.onApplicationShutdown();
    await queue.obliterate({ force: true });
    await queue.close();
    await connections.closeAll();
    await ledger.close();
  });

  function worker(handler: Pick<TripEventHandler, 'handle'>): Worker {
    const w = startTripEventsWorker(handler, { connection: connections.create(), prefix, concurrency: 4 });
    workers.push(w);
    return w;
  }

  async function quiet(timeoutMs = 20_000): Promise<Record<string, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized');
      if (counts.waiting + counts.delayed + counts.active + counts.prioritized === 0) return counts;
      if (Date.now() > deadline) throw new Error(`queue not quiet: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A completed trip posted in the ledger, ready for a tip. */
  async function completedTrip() {
    const event = completedEvent();
    await ledger.handler.handle('trip.completed', event);
    return event;
  }

  const entries = async (tripId: string) =>
    (await ledger.db.query(`SELECT id FROM ledger_transactions WHERE id = $1`, [`trip:${tripId}:tip`])).length as number;

  it('records the tip as pending, the worker posts it once, and the same tip again reads its state', async () => {
    const trip = await completedTrip();
    const first = await tips.give(trip.riderId, trip.tripId, money(300, 'CAD'));
    expect(first).toMatchObject({ created: true, tip: { state: 'pending', transactionId: `trip:${trip.tripId}:tip`, tip: { amount: 300, currency: 'CAD' } } });
    await relay.relay();
    worker(ledger.handler);
    await quiet();
    expect(await entries(trip.tripId)).toBe(1);
    const [tipsPayable] = await ledger.journal.balances([`driver:${trip.driverId}:tips-payable`]);
    expect(tipsPayable).toMatchObject({ posted: -300n, currency: 'CAD' });
    expect(await tips.state(trip.riderId, trip.tripId)).toMatchObject({ state: 'posted', postedAt: expect.any(String) });
    expect(await tips.give(trip.riderId, trip.tripId, money(300, 'CAD'))).toMatchObject({ created: false, tip: { state: 'posted' } });
    // Another amount on the same trip is refused clearly, and changes nothing.
    await expect(tips.give(trip.riderId, trip.tripId, money(500, 'CAD'))).rejects.toMatchObject({
      code: 'LEDGER_IDEMPOTENCY_CONFLICT',
      message: expect.stringContaining('tip of 300 CAD already'),
    });
    await expect(tips.state(randomUUID(), trip.tripId)).rejects.toBeInstanceOf(DomainError);
  });

  it('a duplicate delivery of the event posts once', async () => {
    const trip = await completedTrip();
    await tips.give(trip.riderId, trip.tripId, money(250, 'CAD'));
    const event = { tripId: trip.tripId, riderId: trip.riderId, driverId: trip.driverId, tip: { amount: 250, currency: 'CAD' }, requestedAt: new Date().toISOString() };
    // The relay's job and two more copies, as a relay that ran twice or a stalled job would deliver.
    await relay.relay();
    await queue.add('trip.tipped', event, { jobId: `dup-a-${trip.tripId}` });
    await queue.add('trip.tipped', event, { jobId: `dup-b-${trip.tripId}` });
    worker(ledger.handler);
    worker(ledger.handler);
    expect(await quiet()).toMatchObject({ failed: 0 });
    const outcomes = await Promise.all(
      [`tip-${trip.tripId}`, `dup-a-${trip.tripId}`, `dup-b-${trip.tripId}`].map(async (id) => ((await queue.getJob(id)) as Job).returnvalue.posted),
    );
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'new']);
    expect(await entries(trip.tripId)).toBe(1);
  });

  it('a crash between posting and the ack is retried and does not post twice', async () => {
    const trip = await completedTrip();
    await tips.give(trip.riderId, trip.tripId, money(200, 'CAD'));
    let crashes = 0;
    worker({
      async handle(topic, data) {
        const outcome = await ledger.handler.handle(topic, data);
        if (topic === 'trip.tipped' && crashes++ === 0) throw new Error('killed before the ack');
        return outcome;
      },
    });
    await relay.relay();
    expect(await quiet()).toMatchObject({ failed: 0 });
    const job = (await queue.getJob(`tip-${trip.tripId}`))!;
    expect(job.attemptsMade).toBe(2);
    expect(job.returnvalue).toEqual({ posted: 'duplicate', transactionId: `trip:${trip.tripId}:tip` });
    expect(await entries(trip.tripId)).toBe(1);
  });

  it('a tip whose event fails for good reads failed, with the reason; one still being retried reads pending', async () => {
    const refused = await completedTrip();
    const retried = await completedTrip();
    await tips.give(refused.riderId, refused.tripId, money(120, 'CAD'));
    await tips.give(retried.riderId, retried.tripId, money(130, 'CAD'));
    // The worker refuses one tip for good (as it does an event that can never be posted) and
    // meets a passing failure on the other once, which the queue then retries after its backoff.
    let passing = 0;
    worker({
      async handle(topic, data) {
        const tripId = (data as { tripId: string }).tripId;
        if (topic === 'trip.tipped' && tripId === refused.tripId) throw new BadEventError('INVALID_EVENT', 'invalid event: tip: bad amount');
        if (topic === 'trip.tipped' && tripId === retried.tripId && passing++ === 0) throw new Error('database unreachable');
        return ledger.handler.handle(topic, data);
      },
    });
    await relay.relay();
    const until = async (done: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 20_000; !(await done()); await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() > deadline) throw new Error('the tip was not tried');
      }
    };
    // Failed once, waiting for its retry (1 s of backoff): still pending.
    await until(async () => ((await queue.getJob(`tip-${retried.tripId}`))?.attemptsMade ?? 0) >= 1);
    const waiting = await tips.state(retried.riderId, retried.tripId);
    expect(waiting).toMatchObject({ state: 'pending' });
    expect(waiting.failure).toBeUndefined();
    await until(async () => (await queue.getJob(`tip-${refused.tripId}`))?.finishedOn !== undefined);
    expect(await tips.state(refused.riderId, refused.tripId)).toEqual({
      tripId: refused.tripId,
      transactionId: `trip:${refused.tripId}:tip`,
      tip: { amount: 120, currency: 'CAD' },
      state: 'failed',
      failure: 'INVALID_EVENT: invalid event: tip: bad amount',
      requestedAt: expect.any(String),
    });
    expect(await tips.give(refused.riderId, refused.tripId, money(120, 'CAD'))).toMatchObject({ created: false, tip: { state: 'failed' } });
    // The retried one is then posted.
    expect(await quiet()).toMatchObject({ failed: 1 });
    expect(await tips.state(retried.riderId, retried.tripId)).toMatchObject({ state: 'posted' });
    expect(await entries(refused.tripId)).toBe(0);
  });

  it('a tip recorded while Redis is unreachable is relayed later: nothing is lost', async () => {
    const trip = await completedTrip();
    const down = new TipRelayService(requests, connections, { WORKERS: false, REDIS_PREFIX: redisPrefix } as AppConfig);
    (down as unknown as { tripEvents: () => unknown }).tripEvents = () => ({ addBulk: () => Promise.reject(new Error('ECONNREFUSED')) });
    // give()'s own background attempt is left out, so no other relay holds the row while ours run.
    down.relaySoon = () => undefined;
    const recording = new TipsService(ledger.journal, requests, down, ledger.policies, new SystemClock());
    await recording.give(trip.riderId, trip.tripId, money(150, 'CAD'));
    await expect(down.relay()).rejects.toThrow('ECONNREFUSED');
    expect((await requests.find(trip.tripId))!.publishedAt).toBeNull();
    // The next relay run (the periodic one, in any process) publishes it.
    expect(await relay.relay()).toBeGreaterThanOrEqual(1);
    expect((await requests.find(trip.tripId))!.publishedAt).not.toBeNull();
    worker(ledger.handler);
    await quiet();
    expect(await entries(trip.tripId)).toBe(1);
  });

  it('refuses a tip before the fare is posted, on another rider\'s trip, or above the policy maximum', async () => {
    const trip = completedEvent();
    await expect(tips.give(trip.riderId, trip.tripId, money(100, 'CAD'))).rejects.toMatchObject({ code: 'TRIP_NOT_SETTLED' });
    await ledger.handler.handle('trip.completed', trip);
    await expect(tips.give(randomUUID(), trip.tripId, money(100, 'CAD'))).rejects.toMatchObject({ code: 'TRIP_NOT_FOUND' });
    await expect(tips.give(trip.riderId, trip.tripId, money(10_001, 'CAD'))).rejects.toMatchObject({ code: 'TIP_REJECTED' });
    expect(await requests.find(trip.tripId)).toBeUndefined();
  });
});
