/**
 * One timer for every bot's periodic fix instead of a timer per bot: a wheel of slots
 * `slotMs` wide over the fix interval. A member due in slot k is called with k * slotMs as
 * its intended time, so a tick that fires late (a busy generator) shows in the latency
 * measured from that time instead of being hidden.
 */
export class FixClock {
  private readonly slots: Array<Array<Entry>>;
  private readonly slotCount: number;
  /** The last slot (absolute: time / slotMs) whose members were called. */
  private done: number;
  private timer?: NodeJS.Timeout;
  private members = 0;

  constructor(
    readonly intervalMs: number,
    readonly slotMs = 5,
    private readonly now: () => number = Date.now,
  ) {
    if (!(intervalMs > 0 && slotMs > 0) || intervalMs % slotMs !== 0) throw new Error(`fix interval ${intervalMs} ms is not a whole number of ${slotMs} ms slots`);
    this.slotCount = intervalMs / slotMs;
    this.slots = Array.from({ length: this.slotCount }, () => []);
    this.done = Math.floor(this.now() / slotMs);
  }

  /**
   * Calls `fire(intendedAtMs)` every interval from `phaseMs` from now (rounded up to a slot);
   * returns the function that stops it.
   */
  add(phaseMs: number, fire: (intendedAtMs: number) => void): () => void {
    const first = Math.max(this.done + 1, Math.ceil((this.now() + Math.max(0, phaseMs)) / this.slotMs));
    const entry: Entry = { fire, first, active: true };
    this.slots[first % this.slotCount].push(entry);
    if (this.members++ === 0) this.schedule();
    return () => {
      if (!entry.active) return;
      entry.active = false;
      const slot = this.slots[first % this.slotCount];
      slot.splice(slot.indexOf(entry), 1);
      if (--this.members === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  get size(): number {
    return this.members;
  }

  /** Calls every member of the slots that have come due since the last tick. */
  tick(): void {
    const upTo = Math.floor(this.now() / this.slotMs);
    // After a stall every missed turn is still called (late, and measured so), as in an open model.
    for (let k = this.done + 1; k <= upTo; k++) {
      for (const entry of [...this.slots[k % this.slotCount]]) {
        if (entry.active && k >= entry.first) entry.fire(k * this.slotMs);
      }
    }
    this.done = upTo;
  }

  private schedule(): void {
    const wait = (this.done + 1) * this.slotMs - this.now();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick();
      if (this.members > 0) this.schedule();
    }, Math.max(0, wait));
  }
}

interface Entry {
  fire: (intendedAtMs: number) => void;
  /** The first slot this member is due in (it joined the wheel after the slot's earlier turns). */
  first: number;
  active: boolean;
}

const clocks = new Map<number, FixClock>();

/** The process's shared clock for fixes every `intervalMs`. */
export function fixClock(intervalMs: number): FixClock {
  let clock = clocks.get(intervalMs);
  if (!clock) clocks.set(intervalMs, (clock = new FixClock(intervalMs, intervalMs % 5 === 0 ? 5 : 1)));
  return clock;
}
