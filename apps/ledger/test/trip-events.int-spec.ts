import { randomBytes } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { RedisConnections } from '@coop/platform';
import { testRedisUrl } from '@coop/testing';
import { startTripEventsWorker } from '../src/events/trip-events.worker';
import { TripEventHandler } from '../src/events/trip-event.handler';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@coop/platform';
import { cancelledEvent, completedEvent, ledgerOnFreshDatabase, partsOn } from './ledger-fixtures';

jest.setTimeout(60_000);

describe('the trip events worker', () => {
  let ledger: Awaited<ReturnType<typeof ledgerOnFreshDatabase>>;
  let secondDb: DataSource;
  let connections: RedisConnections;
  let queue: Queue;
  let queueName: string;
  const prefix = `test-${randomBytes(4).toString('hex')}:bull`;
  const workers: Worker[] = [];

  beforeAll(async () => {
    ledger = await ledgerOnFreshDatabase();
    // A second pool on the same database: the second worker is another process in all but name.
    secondDb = createDataSource({ url: (ledger.db.options as { url: string }).url });
    await secondDb.initialize();
    connections = new RedisConnections(testRedisUrl());
  });
  beforeEach(() => {
    queueName = `trip-events-${randomBytes(4).toString('hex')}`;
    queue = new Queue(queueName, { connection: connections.create(), prefix });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await queue.obliterate({ force: true });
    await queue.close();
  });
  afterAll(async () => {
    await connections.closeAll();
    await secondDb.destroy();
    await ledger.close();
  });

  function worker(handler: Pick<TripEventHandler, 'handle'>, tuning = {}): Worker {
    const w = startTripEventsWorker(handler, { connection: connections.create(), prefix, queueName, concurrency: 8, tuning });
    workers.push(w);
    return w;
  }

  /** Waits until nothing is waiting, delayed or active (bounded), instead of sleeping. */
  async function quiet(timeoutMs = 20_000): Promise<Record<string, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized');
      if (counts.waiting + counts.delayed + counts.active + counts.prioritized === 0) return counts;
      if (Date.now() > deadline) throw new Error(`queue not quiet: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await ledger.db.query(sql, params))[0].n);
  }

  it('two workers consuming the same events at once post each exactly once', async () => {
    const completed = Array.from({ length: 40 }, () => completedEvent());
    const charged = Array.from({ length: 10 }, () => cancelledEvent(600));
    const free = Array.from({ length: 5 }, () => cancelledEvent(30));
    const outcomes: string[] = [];
    worker(ledger.handler);
    worker(partsOn(secondDb).handler);
    workers.forEach((w) => w.on('completed', (job: Job) => outcomes.push(job.returnvalue.posted)));
    // Every event twice under different job ids, as a relay that ran twice would send them.
    const jobs = [
      ...completed.map((data) => ({ name: 'trip.completed', data })),
      ...charged.map((data) => ({ name: 'trip.cancelled', data })),
      ...free.map((data) => ({ name: 'trip.cancelled', data })),
    ];
    await queue.addBulk([...jobs, ...jobs].map((j, i) => ({ ...j, opts: { jobId: `job-${i}`, attempts: 3 } })));
    const counts = await quiet();
    expect(counts).toMatchObject({ completed: 110, failed: 0 });
    expect(outcomes.filter((o) => o === 'new')).toHaveLength(50);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(50);
    expect(outcomes.filter((o) => o === 'nothing')).toHaveLength(10);
    for (const e of completed) {
      const [row] = await ledger.db.query(`SELECT count(*) AS n FROM ledger_transactions WHERE id = $1`, [`trip:${e.tripId}:completed`]);
      expect(Number(row.n)).toBe(1);
    }
    expect(await count(`SELECT count(*) AS n FROM ledger_transactions WHERE kind = 'trip.cancelled'`)).toBe(10);
    const totals = await ledger.db.query(`SELECT currency, pending, sum(amount)::text AS total FROM ledger_postings GROUP BY currency, pending`);
    expect(totals).toEqual([{ currency: 'CAD', pending: false, total: '0' }]);
    // The posting names the trip, the fare breakdown and the policy hash.
    const stored = await ledger.journal.find(`trip:${completed[0]!.tripId}:completed`);
    expect(stored!.tx.metadata).toMatchObject({ tripId: completed[0]!.tripId, policyHash: completed[0]!.policyHash, fare: completed[0]!.breakdown, split: completed[0]!.split });
  });

  it('a bad event goes to failed at once with its reason, without retries', async () => {
    worker(ledger.handler);
    const good = completedEvent();
    const bad = [
      { name: 'trip.completed', data: { ...completedEvent(), fare: { amount: 'lots', currency: 'CAD' } }, expect: 'INVALID_EVENT' },
      { name: 'trip.exploded', data: completedEvent(), expect: 'UNKNOWN_TOPIC' },
      { name: 'trip.completed', data: { ...completedEvent(), policyHash: 'f'.repeat(64) }, expect: 'UNKNOWN_POLICY' },
      { name: 'trip.completed', data: { ...completedEvent(), breakdown: { ...(good.breakdown as object), rule: 'capped' } }, expect: 'FARE.INVALID_REQUEST' },
      { name: 'trip.completed', data: { ...good, fare: { ...good.fare, amount: good.fare.amount + 100 } }, expect: 'FARE.INVALID_REQUEST' },
    ];
    await queue.add('trip.completed', good, { jobId: 'good', attempts: 5 });
    await quiet();
    // The same trip again with another fare: the id is taken by other content.
    const conflicting = completedEvent({ tripId: good.tripId, riderId: good.riderId, driverId: good.driverId, distanceMeters: 9000 });
    bad.push({ name: 'trip.completed', data: conflicting, expect: 'LEDGER.IDEMPOTENCY_CONFLICT' });
    await queue.addBulk(bad.map((b, i) => ({ name: b.name, data: b.data, opts: { jobId: `bad-${i}`, attempts: 5, backoff: { type: 'fixed', delay: 10 } } })));
    expect(await quiet()).toMatchObject({ completed: 1, failed: bad.length });
    for (const [i, b] of bad.entries()) {
      const job = (await queue.getJob(`bad-${i}`))!;
      expect(job.failedReason).toContain(b.expect);
      expect(job.attemptsMade).toBe(1);
    }
    for (const b of bad.slice(0, 4)) {
      expect(await count(`SELECT count(*) AS n FROM ledger_transactions WHERE trip_id = $1`, [b.data.tripId])).toBe(0);
    }
    expect((await ledger.journal.find(`trip:${good.tripId}:completed`))!.tx.metadata.fare).toEqual(good.breakdown);
  });

  it('a failure after posting and before the ack is retried and does not post twice', async () => {
    let crashes = 0;
    const crashing: Pick<TripEventHandler, 'handle'> = {
      async handle(topic, data) {
        const outcome = await ledger.handler.handle(topic, data);
        if (crashes++ === 0) throw new Error('connection lost before the ack');
        return outcome;
      },
    };
    worker(crashing);
    const event = completedEvent();
    await queue.add('trip.completed', event, { jobId: 'crash-1', attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    expect(await quiet()).toMatchObject({ completed: 1, failed: 0 });
    const job = (await queue.getJob('crash-1'))!;
    expect(job.attemptsMade).toBe(2);
    expect(job.returnvalue).toEqual({ posted: 'duplicate', transactionId: `trip:${event.tripId}:completed` });
    expect(await count(`SELECT count(*) AS n FROM ledger_transactions WHERE trip_id = $1`, [event.tripId])).toBe(1);
  });

  it('a worker that dies mid-job (lock lost) leaves the job to another, which does not post twice', async () => {
    const event = completedEvent();
    let posted!: () => void;
    const postedOnce = new Promise<void>((resolve) => (posted = resolve));
    // The first worker posts, then never acks: it hangs as a killed process would.
    const dying = worker(
      {
        async handle(topic, data) {
          await ledger.handler.handle(topic, data);
          posted();
          return new Promise(() => undefined);
        },
      },
      { lockDuration: 1000, stalledInterval: 500 },
    );
    await queue.add('trip.completed', event, { jobId: 'stall-1', attempts: 1 });
    await postedOnce;
    await dying.close(true);
    workers.splice(workers.indexOf(dying), 1);
    worker(ledger.handler, { lockDuration: 1000, stalledInterval: 500 });
    expect(await quiet()).toMatchObject({ completed: 1, failed: 0 });
    expect((await queue.getJob('stall-1'))!.returnvalue).toEqual({ posted: 'duplicate', transactionId: `trip:${event.tripId}:completed` });
    expect(await count(`SELECT count(*) AS n FROM ledger_transactions WHERE trip_id = $1`, [event.tripId])).toBe(1);
  });

  it('posts the cancellation fee per policy: only when the rider cancels after the grace period', async () => {
    worker(ledger.handler);
    const late = cancelledEvent(121);
    const atGrace = cancelledEvent(120);
    const unmatched = cancelledEvent(null);
    await queue.addBulk([late, atGrace, unmatched].map((data, i) => ({ name: 'trip.cancelled', data, opts: { jobId: `c-${i}` } })));
    await quiet();
    const fee = await ledger.journal.find(`trip:${late.tripId}:cancelled`);
    expect(fee!.tx.postings.map((p) => [p.accountId, p.amount.amount])).toEqual([
      [`rider:${late.riderId}:receivable`, 500n],
      [`driver:${late.driverId}:payable`, -500n],
    ]);
    expect(await ledger.journal.find(`trip:${atGrace.tripId}:cancelled`)).toBeUndefined();
    expect(await ledger.journal.find(`trip:${unmatched.tripId}:cancelled`)).toBeUndefined();
    expect((await queue.getJob('c-1'))!.returnvalue).toEqual({ posted: 'nothing', reason: 'no fee is due' });
  });
});
