import { randomBytes, randomUUID } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { RedisConnections } from '@coop/platform';
import { testRedisUrl } from '@coop/testing';
import { startTripEventsWorker } from '../src/events/trip-events.worker';
import { TripEventHandler } from '../src/events/trip-event.handler';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@coop/platform';
import { cancelledEvent, completedEvent, ledgerOnFreshDatabase, partsOn, requestedEvent } from './ledger-fixtures';

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
    // A worker emits 'completed' only after Redis has counted the job completed, so the last
    // few events may still be on their way when the queue looks quiet: wait for them (bounded).
    for (const deadline = Date.now() + 5_000; outcomes.length < counts.completed && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 20));
    }
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

  describe('the card hold of a trip (two-phase)', () => {
    /** Every state row of the trip's hold, oldest first. */
    async function holdRows(tripId: string): Promise<Array<{ state: string; transaction_id: string }>> {
      return ledger.db.query(`SELECT state, transaction_id FROM ledger_hold_states WHERE hold_id = $1 ORDER BY (state <> 'pending'), at`, [`trip:${tripId}:hold`]);
    }

    async function balancesOf(...accounts: string[]) {
      return Object.fromEntries((await ledger.journal.balances(accounts)).map((b) => [b.accountId, { posted: b.posted, pending: b.pending }]));
    }

    it('holds the quote plus margin at request, then posts the final fare and releases the rest at completion, once under two workers', async () => {
      worker(ledger.handler);
      worker(partsOn(secondDb).handler);
      const trips = Array.from({ length: 10 }, () => requestedEvent());
      // Every request twice, as a relay that ran twice would send it.
      await queue.addBulk([...trips, ...trips].map((data, i) => ({ name: 'trip.requested', data, opts: { jobId: `r-${i}`, attempts: 3 } })));
      expect(await quiet()).toMatchObject({ completed: 20, failed: 0 });
      const held = (await ledger.journal.find(`trip:${trips[0]!.tripId}:hold`))!;
      const heldAmount = held.tx.postings.find((p) => p.accountId === 'payments:clearing')!.amount.amount;
      // Default policy: 20 % over the quote, rounded half to even.
      expect(heldAmount).toBe(BigInt(Math.round(Number(trips[0]!.fareAmount) * 1.2)));
      const rider = `rider:${trips[0]!.riderId}:receivable`;
      expect(await balancesOf(rider)).toEqual({ [rider]: { posted: 0n, pending: -heldAmount } });
      // TigerBeetle's totals: the hold is a pending credit of the rider, a pending debit of clearing.
      const [clearingHeld, riderHeld] = await ledger.journal.balances(['payments:clearing', rider]);
      expect(riderHeld).toMatchObject({ debitsPending: 0n, creditsPending: heldAmount, debitsPosted: 0n, creditsPosted: 0n });
      expect(clearingHeld!.debitsPending).toBeGreaterThanOrEqual(heldAmount * BigInt(trips.length));
      expect(await holdRows(trips[0]!.tripId)).toEqual([{ state: 'pending', transaction_id: `trip:${trips[0]!.tripId}:hold` }]);

      const completions = trips.map((t) => completedEvent({ tripId: t.tripId, riderId: t.riderId }));
      await queue.addBulk([...completions, ...completions].map((data, i) => ({ name: 'trip.completed', data, opts: { jobId: `c-${i}`, attempts: 3 } })));
      expect(await quiet()).toMatchObject({ completed: 40, failed: 0 });
      const job = (await queue.getJob('c-0'))!;
      expect(job.returnvalue).toMatchObject({ transactionId: `trip:${trips[0]!.tripId}:completed`, hold: { transactionId: `trip:${trips[0]!.tripId}:hold:posted` } });
      const fare = BigInt(completions[0]!.fare.amount);
      expect(await balancesOf(rider)).toEqual({ [rider]: { posted: 0n, pending: 0n } });
      // Posted: the fare debited by the completion, credited by the capture; nothing pending any more.
      expect((await ledger.journal.balances([rider]))[0]).toMatchObject({ debitsPosted: fare, creditsPosted: fare, debitsPending: 0n, creditsPending: 0n });
      for (const t of trips) {
        expect(await holdRows(t.tripId)).toEqual([
          { state: 'pending', transaction_id: `trip:${t.tripId}:hold` },
          { state: 'posted', transaction_id: `trip:${t.tripId}:hold:posted` },
        ]);
      }
      const capture = (await ledger.journal.find(`trip:${trips[0]!.tripId}:hold:posted`))!;
      expect(capture.tx.postings.filter((p) => p.pending !== true).map((p) => p.amount.amount)).toEqual([fare, -fare]);
      const totals = await ledger.db.query(`SELECT pending, sum(amount)::text AS total FROM ledger_postings GROUP BY pending ORDER BY pending`);
      expect(totals.map((r: { total: string }) => r.total)).toEqual(['0', '0']);
    });

    it('builds the posting of the hold from the completion; a hold placed for another quote is posted from the stored hold instead', async () => {
      const usual = requestedEvent();
      // A request whose quote is not the one the completion carries: the event cannot rebuild this hold.
      const requoted = { ...requestedEvent(), fareAmount: String(Number(usual.fareAmount) + 250) };
      for (const request of [usual, requoted]) await ledger.handler.handle('trip.requested', request);
      for (const request of [usual, requoted]) {
        const outcome = await ledger.handler.handle('trip.completed', completedEvent({ tripId: request.tripId, riderId: request.riderId }));
        expect(outcome).toEqual({
          posted: 'new',
          transactionId: `trip:${request.tripId}:completed`,
          hold: { posted: 'new', transactionId: `trip:${request.tripId}:hold:posted` },
        });
        const stored = (await ledger.journal.find(`trip:${request.tripId}:hold`))!;
        const capture = (await ledger.journal.find(`trip:${request.tripId}:hold:posted`))!;
        // Either way, the entry is the one built from the stored hold, its metadata included.
        expect(capture.tx.metadata).toMatchObject({ quoteId: request.quoteId, requestedAt: stored.tx.metadata.requestedAt, reason: 'trip completed' });
        expect(capture.tx.metadata.held).toEqual({ amount: Math.round(Number(request.fareAmount) * 1.2), currency: 'CAD' });
        expect(await holdRows(request.tripId)).toHaveLength(2);
        const rider = `rider:${request.riderId}:receivable`;
        expect((await balancesOf(rider))[rider]!.pending).toBe(0n);
      }
    });

    it('posts the held amount when a changed route costs more, leaving the excess owed by the rider', async () => {
      worker(ledger.handler);
      const request = requestedEvent();
      await queue.add('trip.requested', request, { jobId: 'long-r' });
      await quiet();
      const longer = completedEvent({ tripId: request.tripId, riderId: request.riderId, distanceMeters: 12_000, durationSeconds: 1800, routeChanged: true });
      await queue.add('trip.completed', longer, { jobId: 'long-c' });
      await quiet();
      const capture = (await ledger.journal.find(`trip:${request.tripId}:hold:posted`))!;
      const held = BigInt((capture.tx.metadata.held as { amount: number }).amount);
      const fare = BigInt(longer.fare.amount);
      expect(fare).toBeGreaterThan(held);
      expect(capture.tx.metadata.uncaptured).toEqual({ amount: Number(fare - held), currency: 'CAD' });
      const rider = `rider:${request.riderId}:receivable`;
      expect(await balancesOf(rider)).toEqual({ [rider]: { posted: fare - held, pending: 0n } });
    });

    it('a cancellation voids the hold, or posts only the fee from it when the policy charges one', async () => {
      worker(ledger.handler);
      const free = requestedEvent();
      const charged = requestedEvent();
      await queue.addBulk([free, charged].map((data, i) => ({ name: 'trip.requested', data, opts: { jobId: `cr-${i}` } })));
      await quiet();
      const cancellations = [cancelledEvent(30, { tripId: free.tripId, riderId: free.riderId }), cancelledEvent(600, { tripId: charged.tripId, riderId: charged.riderId })];
      await queue.addBulk(cancellations.map((data, i) => ({ name: 'trip.cancelled', data, opts: { jobId: `cc-${i}` } })));
      await quiet();
      expect((await queue.getJob('cc-0'))!.returnvalue).toEqual({
        posted: 'nothing',
        reason: 'no fee is due',
        hold: { posted: 'new', transactionId: `trip:${free.tripId}:hold:voided` },
      });
      expect(await holdRows(free.tripId)).toEqual([
        { state: 'pending', transaction_id: `trip:${free.tripId}:hold` },
        { state: 'voided', transaction_id: `trip:${free.tripId}:hold:voided` },
      ]);
      const freeRider = `rider:${free.riderId}:receivable`;
      expect(await balancesOf(freeRider)).toEqual({ [freeRider]: { posted: 0n, pending: 0n } });

      expect((await queue.getJob('cc-1'))!.returnvalue).toMatchObject({ transactionId: `trip:${charged.tripId}:cancelled`, hold: { transactionId: `trip:${charged.tripId}:hold:posted` } });
      const fee = (await ledger.journal.find(`trip:${charged.tripId}:hold:posted`))!;
      expect(fee.tx.postings.filter((p) => p.pending !== true).map((p) => p.amount.amount)).toEqual([500n, -500n]);
      const chargedRider = `rider:${charged.riderId}:receivable`;
      expect(await balancesOf(chargedRider, 'payments:clearing')).toMatchObject({ [chargedRider]: { posted: 0n, pending: 0n } });
    });

    it('expires a hold with no outcome; a late completion then posts the fare alone, owed by the rider', async () => {
      worker(ledger.handler);
      const request = requestedEvent();
      await queue.add('trip.requested', request, { jobId: 'x-r' });
      await quiet();
      expect(await ledger.expiry.run(60_000)).toBe(0); // placed just now: not expired yet
      expect(await ledger.expiry.run(0)).toBeGreaterThanOrEqual(1);
      expect(await ledger.expiry.run(0)).toBe(0);
      expect(await holdRows(request.tripId)).toEqual([
        { state: 'pending', transaction_id: `trip:${request.tripId}:hold` },
        { state: 'voided', transaction_id: `trip:${request.tripId}:hold:expired` },
      ]);
      const completion = completedEvent({ tripId: request.tripId, riderId: request.riderId });
      await queue.add('trip.completed', completion, { jobId: 'x-c' });
      await quiet();
      expect((await queue.getJob('x-c'))!.returnvalue).toEqual({
        posted: 'new',
        transactionId: `trip:${request.tripId}:completed`,
        hold: { skipped: 'the hold was voided already' },
      });
      const rider = `rider:${request.riderId}:receivable`;
      expect(await balancesOf(rider)).toEqual({ [rider]: { posted: BigInt(completion.fare.amount), pending: 0n } });
    });

    it('the expiry job scans from its watermark after a finished run; a fresh process scans everything once', async () => {
      const request = requestedEvent();
      await ledger.handler.handle('trip.requested', request);
      expect(await ledger.expiry.run(0)).toBeGreaterThanOrEqual(1); // the watermark is now an hour before this run
      // A pending hold dated three hours back (written raw: the append stamps the time of its own
      // transaction), as if it had been missed: below the watermark, so this process skips it.
      const id = `trip:${randomUUID()}:hold`;
      await ledger.db.transaction(async (m) => {
        await m.query(`INSERT INTO ledger_accounts (id, currency, kind, member_id) VALUES ('payments:clearing', 'CAD', 'payment-clearing', NULL), ('rider:r-old:receivable', 'CAD', 'rider-receivable', 'r-old') ON CONFLICT DO NOTHING`);
        await m.query(`INSERT INTO ledger_transactions (id, kind, metadata, posted_at) VALUES ($1, 'payment.hold', $2, now() - interval '3 hours')`, [id, { tripId: id.split(':')[1] }]);
        await m.query(`INSERT INTO ledger_postings VALUES ($1, 0, 'payments:clearing', 'CAD', 900, true), ($1, 1, 'rider:r-old:receivable', 'CAD', -900, true)`, [id]);
      });
      expect(await ledger.expiry.run(0)).toBe(0);
      expect(await ledger.journal.holdState(id)).toBe('pending');
      // A process that has not run yet knows no watermark and finds it.
      expect(await partsOn(ledger.db).expiry.run(0)).toBe(1);
      expect(await ledger.journal.holdState(id)).toBe('voided');
    });

    it('a completion racing the expiry job resolves the hold once, and the completion is posted either way', async () => {
      for (let round = 0; round < 5; round++) {
        const request = requestedEvent();
        await ledger.handler.handle('trip.requested', request);
        const completion = completedEvent({ tripId: request.tripId, riderId: request.riderId });
        const second = partsOn(secondDb);
        await Promise.all([ledger.handler.handle('trip.completed', completion), second.expiry.run(0)]);
        const rows = await holdRows(request.tripId);
        expect(rows).toHaveLength(2);
        expect(rows[1]!.state).toMatch(/^(posted|voided)$/);
        expect(await ledger.journal.find(`trip:${request.tripId}:completed`)).toBeDefined();
      }
    });

    it('a request that arrives after its trip is settled places no hold', async () => {
      const request = requestedEvent();
      await ledger.handler.handle('trip.completed', completedEvent({ tripId: request.tripId, riderId: request.riderId }));
      expect(await ledger.handler.handle('trip.requested', request)).toEqual({ posted: 'nothing', reason: 'the trip is settled already; no hold' });
      expect(await ledger.journal.find(`trip:${request.tripId}:hold`)).toBeUndefined();
    });

    it('a crash after posting a completion and its capture, before the ack, posts neither twice', async () => {
      const request = requestedEvent();
      await ledger.handler.handle('trip.requested', request);
      let crashes = 0;
      worker({
        async handle(topic, data) {
          const outcome = await ledger.handler.handle(topic, data);
          if (crashes++ === 0) throw new Error('killed before the ack');
          return outcome;
        },
      });
      await queue.add('trip.completed', completedEvent({ tripId: request.tripId, riderId: request.riderId }), { jobId: 'crash-h', attempts: 3, backoff: { type: 'fixed', delay: 10 } });
      expect(await quiet()).toMatchObject({ completed: 1, failed: 0 });
      expect((await queue.getJob('crash-h'))!.returnvalue).toEqual({
        posted: 'duplicate',
        transactionId: `trip:${request.tripId}:completed`,
        // The retry sends the same capture again (built from the event) and finds it stored.
        hold: { posted: 'duplicate', transactionId: `trip:${request.tripId}:hold:posted` },
      });
      expect(await holdRows(request.tripId)).toEqual([
        { state: 'pending', transaction_id: `trip:${request.tripId}:hold` },
        { state: 'posted', transaction_id: `trip:${request.tripId}:hold:posted` },
      ]);
      expect(await count(`SELECT count(*) AS n FROM ledger_transactions WHERE trip_id = $1`, [request.tripId])).toBe(3);
    });
  });
});
