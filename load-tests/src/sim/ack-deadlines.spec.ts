import { AckDeadlines, PendingAck } from './ack-deadlines';

function pending(deadlineMs: number, failed: string[], name: string): PendingAck {
  const p: PendingAck = { settled: false, deadlineMs, fail: (code) => { p.settled = true; failed.push(`${name}:${code}`); } };
  return p;
}

describe('AckDeadlines', () => {
  it('fails only the calls past their deadline, in order, and skips the answered ones', () => {
    let now = 1_000;
    const d = new AckDeadlines(200, () => now);
    const failed: string[] = [];
    const [a, b, c] = [pending(1_100, failed, 'a'), pending(1_200, failed, 'b'), pending(1_300, failed, 'c')];
    [a, b, c].forEach((p) => d.add(p));
    b.settled = true; // answered in time
    now = 1_250;
    d.sweep();
    expect(failed).toEqual(['a:ACK_TIMEOUT']);
    expect(d.size).toBe(1);
    now = 1_300;
    d.sweep();
    expect(failed).toEqual(['a:ACK_TIMEOUT', 'c:ACK_TIMEOUT']);
    expect(d.size).toBe(0);
  });

  it('keeps no timer once nothing waits', () => {
    let now = 0;
    const d = new AckDeadlines(200, () => now);
    const p = pending(10, [], 'p');
    d.add(p);
    p.settled = true;
    now = 5;
    d.sweep();
    expect(d.size).toBe(0);
    expect((d as unknown as { timer?: unknown }).timer).toBeUndefined();
  });
});
