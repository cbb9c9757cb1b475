/** The time source, behind a port so tests and the simulator can control it. */
export abstract class Clock {
  abstract nowMs(): number;
}

/** Wall-clock time. */
export class SystemClock extends Clock {
  nowMs(): number {
    return Date.now();
  }
}
