import fc from 'fast-check';
import { Batcher, Settled } from './batcher';

/** A flush we release by hand, recording the batches it was given. */
function controlledFlush() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const flush = (requests: readonly number[]): Promise<Array<Settled<number>>> => {
    batches.push([...requests]);
    return new Promise((resolve) =>
      releases.push(() => resolve(requests.map((r) => (r < 0 ? { ok: false, error: new Error(`refused ${r}`) } : { ok: true, value: r * 10 })))),
    );
  };
  return { batches, releases, flush };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('flushes a lone request at once, and batches those that arrive while it is in flight', async () => {
    const f = controlledFlush();
    const commit = new Batcher(f.flush, { maxInFlight: 1, maxBatch: 100 });
    const first = commit.submit(1);
    expect(f.batches).toEqual([[1]]);
    const later = [2, 3, 4].map((r) => commit.submit(r));
    expect(f.batches).toHaveLength(1);
    f.releases[0]!();
    expect(await first).toBe(10);
    await tick();
    expect(f.batches).toEqual([[1], [2, 3, 4]]);
    f.releases[1]!();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('answers each request on its own: one refusal does not fail its batch neighbours', async () => {
    const f = controlledFlush();
    const commit = new Batcher(f.flush, { maxInFlight: 1, maxBatch: 100 });
    const blocker = commit.submit(0);
    const answers = [5, -6, 7].map((r) => commit.submit(r).then((v) => ({ v }), (e: Error) => ({ e: e.message })));
    f.releases[0]!();
    await blocker;
    await tick();
    f.releases[1]!();
    expect(await Promise.all(answers)).toEqual([{ v: 50 }, { e: 'refused -6' }, { v: 70 }]);
  });

  it('fails the whole batch when the flush itself throws, and keeps serving afterwards', async () => {
    let calls = 0;
    const commit = new Batcher(
      async (requests: readonly number[]) => {
        if (calls++ === 0) throw new Error('connection lost');
        return requests.map((r) => ({ ok: true as const, value: r }));
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    await expect(commit.submit(1)).rejects.toThrow('connection lost');
    await expect(commit.submit(2)).resolves.toBe(2);
  });

  it('never runs more flushes than maxInFlight nor batches above maxBatch, and answers every request once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }), async (maxInFlight, maxBatch, delays) => {
        let running = 0;
        let peak = 0;
        const sizes: number[] = [];
        const commit = new Batcher(
          async (requests: readonly number[]) => {
            running++;
            peak = Math.max(peak, running);
            sizes.push(requests.length);
            for (let i = 0; i < (requests[0]! % 3); i++) await tick();
            running--;
            return requests.map((r) => ({ ok: true as const, value: r }));
          },
          { maxInFlight, maxBatch },
        );
        const answers: Array<Promise<number>> = [];
        for (const [i, d] of delays.entries()) {
          answers.push(commit.submit(i));
          for (let k = 0; k < d; k++) await tick();
        }
        expect(await Promise.all(answers)).toEqual(delays.map((_, i) => i));
        expect(peak).toBeLessThanOrEqual(maxInFlight);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(maxBatch);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(delays.length);
      }),
      { numRuns: 50 },
    );
  });
});
