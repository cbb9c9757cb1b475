import { Outbox } from '../../dispatch/src/outbox/outbox';
import { Queues } from '../../dispatch/src/jobs/queues';
import { queueNames } from '../../dispatch/src/jobs/queue-names';
import { TestSystem } from './system.harness';

/** Outbox rows written straight into the table, as committed trips would leave them. */
async function writeEvents(system: TestSystem, count: number, tag: string): Promise<string[]> {
  const rows = await system.sql<{ id: string }>(
    `INSERT INTO outbox (topic, payload)
     SELECT 'trip.requested', jsonb_build_object('tag', $1::text, 'n', n) FROM generate_series(1, $2::int) n RETURNING id`,
    [tag, count],
  );
  return rows.map((r) => r.id).sort((a, b) => Number(BigInt(a) - BigInt(b)));
}

describe('the outbox relay (real PostgreSQL and Redis)', () => {
  let system: TestSystem;
  let outbox: Outbox;
  let queues: Queues;

  beforeAll(async () => {
    // No workers: the jobs stay in the queue to be read back.
    system = await TestSystem.start({ WORKERS: 'false' });
    outbox = system.nest.get(Outbox);
    queues = system.nest.get(Queues);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('publishes a burst of commits with a few relay runs, every event once, each job named by its outbox id', async () => {
    const ids = await writeEvents(system, 450, 'burst');
    const runs = jest.spyOn(outbox, 'relay');
    try {
      for (let i = 0; i < 50; i++) outbox.relaySoon();
      await system.until(async () => (await system.sql(`SELECT 1 FROM outbox WHERE payload->>'tag' = 'burst' AND published_at IS NULL`)).length === 0);
      // One run at a time: the 49 calls made while the first ran asked for one more, and pages
      // of 200 need three runs for 450 (the sweeper may add a run of its own).
      expect(runs.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(runs.mock.calls.length).toBeLessThanOrEqual(6);
    } finally {
      runs.mockRestore();
    }
    const queue = queues.queue(queueNames.tripEvents);
    const jobs = await Promise.all(ids.map((id) => queue.getJob(`outbox-${id}`)));
    expect(jobs.map((j) => j?.data.outboxId)).toEqual(ids);
    expect(jobs.every((j) => j?.name === 'trip.requested' && j.data.tag === 'burst')).toBe(true);
    // Added in outbox order: each job's timestamp is no earlier than the one before it.
    const stamps = jobs.map((j) => j!.timestamp);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('adds an event again after a crash between the add and the commit, and the job id keeps it one job', async () => {
    const [id] = await writeEvents(system, 1, 'crash');
    expect(await outbox.relay()).toBeGreaterThanOrEqual(1);
    const queue = queues.queue(queueNames.tripEvents);
    const first = await queue.getJob(`outbox-${id}`);
    // As if the commit had been lost after the jobs went out: the row is unpublished again.
    await system.sql(`UPDATE outbox SET published_at = NULL WHERE id = $1`, [id]);
    const before = await queue.getJobCounts('wait');
    expect(await outbox.relay()).toBe(1);
    expect((await queue.getJob(`outbox-${id}`))?.timestamp).toBe(first?.timestamp);
    expect(await queue.getJobCounts('wait')).toEqual(before);
    expect(await system.sql(`SELECT 1 FROM outbox WHERE id = $1 AND published_at IS NOT NULL`, [id])).toHaveLength(1);
  });
});
