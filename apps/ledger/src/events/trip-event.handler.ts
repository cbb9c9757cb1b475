import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { JournalTransaction, Money, accountId, finalFareFromJson, isMoneyError, moneyFromJson } from '@coop/money';
import { AppendResult, LedgerRepository } from '../journal/ledger.repository';
import { PostingService } from '../journal/posting.service';
import { FarePolicyReader, UnknownPolicyError } from '../policy/fare-policy.reader';
import { holdEntry, holdEntryId, holdPostedAtCompletion, holdPostedFromCompletion, holdResolvedAtCancellation } from './hold-postings';
import { tippedEntry } from '../tips/tip-postings';
import { cancelledEntry, completedEntry } from './trip-event-postings';
import {
  LEDGER_TOPICS,
  LedgerTopic,
  TripCancelledEvent,
  TripCompletedEvent,
  TripRequestedEvent,
  tripCancelledEventSchema,
  tripCompletedEventSchema,
  tripRequestedEventSchema,
  tripTippedEventSchema,
} from './trip-event.schemas';

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

/** One entry an event posted (or found posted already). */
export interface PostedEntry {
  posted: 'new' | 'duplicate';
  transactionId: string;
}

/**
 * What handling one event did: the trip's entry (hold, completion, cancellation fee) and, for
 * an outcome, what happened to the card hold, or nothing when there is nothing to post.
 */
export type HandleOutcome =
  | (PostedEntry & { hold?: PostedEntry | { skipped: string } })
  | { posted: 'nothing'; reason: string; hold?: PostedEntry | { skipped: string } };

/**
 * Turns one trip event into its journal entries. Safe to run any number of times and in any
 * number of workers at once: every entry id comes from the event (trip-event-postings.ts,
 * hold-postings.ts) and the journal keeps the first append of an id. An outcome and the
 * resolution of the trip's hold are posted together, atomically. Passing failures (database
 * down) throw as they are, so the queue retries; permanent ones throw BadEventError.
 */
@Injectable()
export class TripEventHandler {
  constructor(
    private readonly postings: PostingService,
    private readonly policies: FarePolicyReader,
    private readonly journal: LedgerRepository,
  ) {}

  async handle(topic: string, data: unknown): Promise<HandleOutcome> {
    if (!LEDGER_TOPICS.includes(topic as LedgerTopic)) throw new BadEventError('UNKNOWN_TOPIC', `unknown topic ${topic}`);
    try {
      switch (topic as LedgerTopic) {
        case 'trip.requested':
          return await this.requested(parse(tripRequestedEventSchema, data));
        case 'trip.completed':
          return await this.completed(parse(tripCompletedEventSchema, data));
        case 'trip.cancelled':
          return await this.cancelled(parse(tripCancelledEventSchema, data));
        case 'trip.tipped':
          // Validated by the tip route before it was recorded; the entry id makes redelivery safe.
          return posted(await this.postings.post(tippedEntry(parse(tripTippedEventSchema, data))));
      }
    } catch (error) {
      throw permanent(error);
    }
  }

  /** Holds the quote plus the final-fare margin, unless the trip's outcome is already posted (a late redelivery). */
  private async requested(event: TripRequestedEvent): Promise<HandleOutcome> {
    const entry = holdEntry(event, await this.policies.byHash(event.policyHash));
    if (await this.journal.tripSettled(event.tripId)) {
      return { posted: 'nothing', reason: 'the trip is settled already; no hold' };
    }
    const [result] = await this.postings.postTogether([entry]);
    return posted(result!);
  }

  /**
   * The completion with the posting of its hold in one call, the posting built from the event
   * (holdPostedFromCompletion) rather than from a read of the hold. Should the stored hold
   * not be what the event rebuilds (the database refuses the release, or an earlier posting
   * of it holds other content), the posting is built from the stored hold instead.
   */
  private async completed(event: TripCompletedEvent): Promise<HandleOutcome> {
    const policy = await this.policies.byHash(event.policyHash);
    const finalFare = finalFareFromJson(event.breakdown);
    const entry = completedEntry(event, policy, finalFare);
    const fare = moneyFromJson(event.fare);
    const fromStoredHold = () => this.withHold(event.tripId, entry, (holdTx) => holdPostedAtCompletion(holdTx, event.tripId, fare));
    let capture: JournalTransaction;
    try {
      capture = holdPostedFromCompletion({ tripId: event.tripId, riderId: event.riderId, quote: finalFare.quoteTotal, fare }, policy);
    } catch (error) {
      if (isMoneyError(error)) return fromStoredHold();
      throw error;
    }
    try {
      const [result, resolved] = await this.postings.postWithResolution(entry, capture);
      if (resolved.outcome !== 'skipped') return { ...posted(result), hold: posted(resolved) };
      if (resolved.holdState === 'none') return posted(result);
      return { ...posted(result), hold: { skipped: `the hold was ${resolved.holdState} already` } };
    } catch (error) {
      if (isMoneyError(error) && namesEntry(error, capture.id)) return fromStoredHold();
      throw error;
    }
  }

  private async cancelled(event: TripCancelledEvent): Promise<HandleOutcome> {
    const entry = cancelledEntry(event, await this.policies.byHash(event.policyHash));
    const fee = entry === null ? null : chargedToRider(entry, event.riderId);
    return this.withHold(event.tripId, entry, (holdTx) => holdResolvedAtCancellation(holdTx, event.tripId, fee));
  }

  /**
   * Posts a trip's outcome entry (if any) together with the resolution of its hold (if one is
   * pending). When another resolution wins the race for the hold (the expiry job), the
   * outcome entry is posted alone: the hold is not ours to resolve any more.
   */
  private async withHold(
    tripId: string,
    entry: JournalTransaction | null,
    resolve: (holdTx: JournalTransaction) => JournalTransaction,
  ): Promise<HandleOutcome> {
    const found = await this.journal.holdWithState(holdEntryId(tripId));
    const resolution = found && found.state === 'pending' ? resolve(found.hold.tx) : undefined;
    const skipped = found === undefined ? 'no hold was placed' : `the hold was ${found.state} already`;
    const unit = [...(entry ? [entry] : []), ...(resolution ? [resolution] : [])];
    let results: AppendResult[];
    let holdOutcome: HandleOutcome['hold'];
    try {
      results = unit.length > 0 ? await this.postings.postTogether(unit) : [];
      holdOutcome = resolution ? posted(results[results.length - 1]!) : { skipped };
    } catch (error) {
      if (!resolution || !isMoneyError(error) || error.code !== 'LEDGER.INVALID_PENDING') throw error;
      results = entry ? await this.postings.postTogether([entry]) : [];
      holdOutcome = { skipped: `the hold was ${(await this.journal.holdState(holdEntryId(tripId))) ?? 'resolved'} already` };
    }
    if (!entry) return { posted: 'nothing', reason: 'no fee is due', ...(found ? { hold: holdOutcome } : {}) };
    return { ...posted(results[0]!), ...(found ? { hold: holdOutcome } : {}) };
  }
}

function posted(result: AppendResult): PostedEntry {
  return { posted: result.outcome, transactionId: result.stored.tx.id };
}

/** True when a refusal is about the entry `id` (MoneyError details name one id or several). */
function namesEntry(error: { details?: Readonly<Record<string, unknown>> }, id: string): boolean {
  const ids = error.details?.ids;
  return error.details?.id === id || (Array.isArray(ids) && ids.includes(id));
}

/** What a fee entry charges the rider (its debit on the rider's receivable). */
function chargedToRider(entry: JournalTransaction, riderId: string): Money {
  const line = entry.postings.find((p) => p.accountId === accountId({ kind: 'rider-receivable', memberId: riderId }))!;
  return line.amount;
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
