/**
 * Open-model arrivals on a fixed schedule: arrival i is due at i / rate seconds after the
 * start whatever the system does, and latency is measured from that intended time, so a
 * slow system cannot slow the generator down and hide its own queueing (Gil Tene's
 * "coordinated omission").
 */
export function arrivalOffsetsMs(ratePerSecond: number, durationMs: number): number[] {
  if (!(ratePerSecond > 0) || !(durationMs > 0)) return [];
  const gap = 1000 / ratePerSecond;
  const count = Math.floor((durationMs * ratePerSecond) / 1000);
  return Array.from({ length: count }, (_, i) => i * gap);
}

/** Indices in [from, offsets.length) whose offset is due at `elapsedMs`. */
export function dueRange(offsets: readonly number[], from: number, elapsedMs: number): { from: number; to: number } {
  let to = from;
  while (to < offsets.length && offsets[to] <= elapsedMs) to++;
  return { from, to };
}

/**
 * Fires `fire(intendedAtMs, i)` for every offset at (or, when the event loop is late, just
 * after) `startMs + offset`, never waiting on a fired call. Resolves after the last one fired.
 */
export function runSchedule(
  offsets: readonly number[],
  startMs: number,
  fire: (intendedAtMs: number, index: number) => void,
  isStopped: () => boolean = () => false,
): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    const tick = () => {
      if (isStopped()) return resolve();
      const { to } = dueRange(offsets, next, Date.now() - startMs);
      for (let i = next; i < to; i++) fire(startMs + offsets[i], i);
      next = to;
      if (next >= offsets.length) return resolve();
      setTimeout(tick, Math.max(0, startMs + offsets[next] - Date.now()));
    };
    setTimeout(tick, Math.max(0, startMs - Date.now()));
  });
}
