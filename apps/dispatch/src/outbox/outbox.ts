import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Queues } from '../jobs/queues';
import { queueNames } from '../jobs/queue-names';

export type OutboxTopic = 'trip.requested' | 'trip.completed' | 'trip.cancelled';

/**
 * The transactional outbox: an event is written in the same transaction as the change it
 * reports, then relayed to the `trip-events` queue. The job id is the outbox id, so a relay
 * that runs twice (crash after publishing, before marking) enqueues the event once.
 */
@Injectable()
export class Outbox {
  private readonly logger = new Logger('outbox');

  constructor(
    private readonly db: DataSource,
    private readonly queues: Queues,
  ) {}

  async write(tx: EntityManager, topic: OutboxTopic, payload: object): Promise<void> {
    await tx.query(`INSERT INTO outbox (topic, payload) VALUES ($1, $2)`, [topic, payload]);
  }

  /** Publishes unpublished events in order; returns how many went out. */
  async relay(limit = 200): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: { id: string; topic: string; payload: object }[] = await tx.query(
        `SELECT id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      for (const row of rows) {
        // Retries with backoff: a consumer's passing failure (database restarting) must not
        // leave the event in `failed`; consumers mark bad events unrecoverable themselves.
        await this.queues.add(queueNames.tripEvents, row.topic, { outboxId: row.id, ...row.payload }, {
          jobId: `outbox-${row.id}`, attempts: 12, backoff: { type: 'exponential', delay: 1000 },
        });
      }
      if (rows.length) await tx.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1)`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /** Relays after a commit without making the caller wait or fail; the sweeper retries leftovers. */
  relaySoon(): void {
    this.relay().catch((error: Error) => this.logger.warn({ msg: 'outbox relay failed; the sweeper will retry', error: error.message }));
  }
}
