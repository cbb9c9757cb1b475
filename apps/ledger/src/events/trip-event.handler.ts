import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { JournalTransaction, isMoneyError } from '@coop/money';
import { PostingService } from '../journal/posting.service';
import { FarePolicyReader, UnknownPolicyError } from '../policy/fare-policy.reader';
import { cancelledEntry, completedEntry } from './trip-event-postings';
import { LEDGER_TOPICS, LedgerTopic, tripCancelledEventSchema, tripCompletedEventSchema } from './trip-event.schemas';

/**
 * An event that can never be posted however often it is retried: unknown topic, a payload
 * that fails validation, a policy that does not exist, or an id already used for other
 * content. The worker sends such events to `failed` at once with this reason.
 */
export class BadEventError extends Error {
  override readonly name = 'BadEventError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What handling one event did. */
export type HandleOutcome = { posted: 'new' | 'duplicate'; transactionId: string } | { posted: 'nothing'; reason: string };

/**
 * Turns one trip event into at most one journal entry. Safe to run any number of times and
 * in any number of workers at once: the entry id comes from the event (trip-event-postings.ts)
 * and the journal keeps the first append of an id. Passing failures (database down) throw
 * as they are, so the queue retries; permanent ones throw BadEventError.
 */
@Injectable()
export class TripEventHandler {
  constructor(
    private readonly postings: PostingService,
    private readonly policies: FarePolicyReader,
  ) {}

  async handle(topic: string, data: unknown): Promise<HandleOutcome> {
    if (!LEDGER_TOPICS.includes(topic as LedgerTopic)) throw new BadEventError('UNKNOWN_TOPIC', `unknown topic ${topic}`);
    let tx: JournalTransaction | null;
    try {
      tx = await this.entryFor(topic as LedgerTopic, data);
    } catch (error) {
      throw permanent(error);
    }
    if (tx === null) return { posted: 'nothing', reason: 'no fee is due' };
    try {
      const result = await this.postings.post(tx);
      return { posted: result.outcome, transactionId: tx.id };
    } catch (error) {
      throw permanent(error);
    }
  }

  private async entryFor(topic: LedgerTopic, data: unknown): Promise<JournalTransaction | null> {
    switch (topic) {
      case 'trip.completed': {
        const event = parse(tripCompletedEventSchema, data);
        return completedEntry(event, await this.policies.byHash(event.policyHash));
      }
      case 'trip.cancelled': {
        const event = parse(tripCancelledEventSchema, data);
        return cancelledEntry(event, await this.policies.byHash(event.policyHash));
      }
    }
  }
}

function parse<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new BadEventError('INVALID_EVENT', `invalid event: ${issues.join('; ')}`);
}

/** Domain refusals become BadEventError; anything else (I/O) is passing and stays as it is. */
function permanent(error: unknown): unknown {
  if (error instanceof BadEventError) return error;
  if (isMoneyError(error)) return new BadEventError(error.code, error.message);
  if (error instanceof UnknownPolicyError) return new BadEventError('UNKNOWN_POLICY', error.message);
  return error;
}
