import { SessionTouch, SessionTouches } from './session-touches';

describe('SessionTouches', () => {
  it('stores the due sessions together, the newest sighting of each, and marks them done only after', async () => {
    const stored: SessionTouch[][] = [];
    const done: string[] = [];
    const touches = new SessionTouches(
      async (batch) => void stored.push(batch),
      async (t) => void done.push(`${t.sessionId}@${t.atMs}`),
      (error) => { throw error; },
      60_000,
    );
    touches.add({ driverId: 'd1', sessionId: 's1', atMs: 10 });
    touches.add({ driverId: 'd1', sessionId: 's1', atMs: 30 });
    touches.add({ driverId: 'd1', sessionId: 's1', atMs: 20 });
    touches.add({ driverId: 'd2', sessionId: 's2', atMs: 15 });
    await touches.flush();
    expect(stored).toEqual([[{ driverId: 'd1', sessionId: 's1', atMs: 30 }, { driverId: 'd2', sessionId: 's2', atMs: 15 }]]);
    expect(done).toEqual(['s1@30', 's2@15']);
    await touches.flush(); // nothing queued: no statement
    expect(stored).toHaveLength(1);
  });

  it('leaves a failed batch undone, so the next fixes ask for it again', async () => {
    let fail = true;
    const stored: string[] = [];
    const errors: string[] = [];
    const touches = new SessionTouches(
      async (batch) => {
        if (fail) throw new Error('database down');
        stored.push(...batch.map((t) => t.sessionId));
      },
      async () => undefined,
      (error) => void errors.push(error.message),
      60_000,
    );
    touches.add({ driverId: 'd1', sessionId: 's1', atMs: 10 });
    await touches.flush();
    expect(errors).toEqual(['database down']);
    fail = false;
    touches.add({ driverId: 'd1', sessionId: 's1', atMs: 20 });
    await touches.flush();
    expect(stored).toEqual(['s1']);
  });
});
