import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '@coop/platform';
import { Queues } from '../jobs/queues';
import { queueNames } from '../jobs/queue-names';

/** The most events one relay run publishes. */
const RELAY_PAGE = 200;

export type OutboxTopic = 'trip.requested' | 'trip.completed' | 'trip.cancelled';

/**
 * The transactional outbox: an event is written in the same transaction as the change it
 * reports, then relayed to the `trip-events` queue. The job id is the outbox id, so a relay
 * that runs twice (crash after publishing, before marking) enqueues the event once.
 */
@Injectable()
export class Outbox {
  private readonly logger = new Logger('outbox');
  private relaying = false;
  private again = false;

  constructor(
    private readonly db: DataSource,
    private readonly queues: Queues,
  ) {}

  async write(tx: EntityManager, topic: OutboxTopic, payload: object): Promise<void> {
    await tx.query(`INSERT INTO outbox (topic, payload) VALUES ($1, $2)`, [topic, payload]);
  }

  /**
   * Publishes unpublished events in order; returns how many went out. One statement marks a
   * page published and returns it, one round trip adds its jobs, then the commit: a failed
   * add rolls the marks back, and a relay of another process skips the rows this one holds.
   */
  async relay(limit = RELAY_PAGE): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: { id: string; topic: string; payload: object }[] = returnedRows(
        await tx.query(
          `UPDATE outbox SET published_at = now()
            WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, topic, payload`,
          [limit],
        ),
      );
      rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)); // RETURNING has no order
      // Retries with backoff: a consumer's passing failure (database restarting) must not
      // leave the event in `failed`; consumers mark bad events unrecoverable themselves.
      await this.queues.addBulk(
        queueNames.tripEvents,
        rows.map((row) => ({
          jobName: row.topic,
          data: { outboxId: row.id, ...row.payload },
          options: { jobId: `outbox-${row.id}`, attempts: 12, backoff: { type: 'exponential' as const, delay: 1000 } },
        })),
      );
      return rows.length;
    });
  }

  /**
   * Relays after a commit without making the caller wait or fail; the sweeper retries
   * leftovers. One relay at a time per process: calls that come while one runs ask for one
   * more run after it, so a burst of commits costs a few relays (and pool connections), not
   * one each.
   */
  relaySoon(): void {
    if (this.relaying) {
      this.again = true;
      return;
    }
    this.relaying = true;
    void (async () => {
      try {
        let relayed: number;
        do {
          this.again = false;
          relayed = await this.relay(RELAY_PAGE);
        } while (this.again || relayed === RELAY_PAGE);
      } catch (error) {
        this.logger.warn({ msg: 'outbox relay failed; the sweeper will retry', error: (error as Error).message });
      } finally {
        this.relaying = false;
      }
    })();
  }
}
