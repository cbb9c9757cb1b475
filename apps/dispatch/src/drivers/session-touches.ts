/** One online session's newest sighting, waiting to be stored. */
export interface SessionTouch {
  driverId: string;
  sessionId: string;
  atMs: number;
}

/**
 * Collects the sessions whose last sighting is due (a fix every 60 s per driver: 167 a
 * second at 10,000 drivers) and stores them together every `everyMs`, one statement for
 * all, instead of one UPDATE per fix. Nothing is lost by waiting: a touch is marked done
 * (`done`, which clears the due flag in presence) only after its batch is stored, so a
 * failed or interrupted batch is asked for again by the driver's next fix.
 */
export class SessionTouches {
  private pending = new Map<string, SessionTouch>();
  private readonly inFlight = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: (touches: SessionTouch[]) => Promise<void>,
    private readonly done: (touch: SessionTouch) => Promise<void>,
    private readonly onError: (error: Error) => void,
    private readonly everyMs = 200,
  ) {}

  /** Queues a session's sighting (the newest of several wins); a batch holding it already is enough. */
  add(touch: SessionTouch): void {
    if (this.inFlight.has(touch.sessionId)) return;
    const queued = this.pending.get(touch.sessionId);
    if (!queued || queued.atMs < touch.atMs) this.pending.set(touch.sessionId, touch);
    this.timer ??= setTimeout(() => void this.flush(), this.everyMs);
  }

  /** Stores what is queued now (also at shutdown); resolves when that batch is done. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (!batch.length) return this.flushing;
    for (const t of batch) this.inFlight.add(t.sessionId);
    const run = async () => {
      try {
        await this.store(batch);
        await Promise.all(batch.map((t) => this.done(t)));
      } catch (error) {
        this.onError(error as Error);
      } finally {
        for (const t of batch) this.inFlight.delete(t.sessionId);
      }
    };
    this.flushing = this.flushing.then(run);
    return this.flushing;
  }
}
