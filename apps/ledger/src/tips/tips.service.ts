import { Injectable, Logger } from '@nestjs/common';
import { Money, MoneyJson, checkTip, moneyToJson } from '@coop/money';
import { Clock, DomainError } from '@coop/platform';
import { completedEntryId, tipEntryId } from '../events/trip-event-postings';
import { LedgerRepository, StoredTransaction } from '../journal/ledger.repository';
import { asDomainErrors } from '../ledger.errors';
import { FarePolicyReader } from '../policy/fare-policy.reader';
import { TipRelayService } from './tip-relay.service';
import { TipRequestsRepository } from './tip-requests.repository';

/** A tip's state: recorded and on its way to the journal, posted there, or failed for good (with the reason). */
export interface TipView {
  tripId: string;
  transactionId: string;
  tip: MoneyJson;
  state: 'pending' | 'posted' | 'failed';
  requestedAt: string;
  postedAt?: string;
  failure?: string;
}

/** What the trip's one tip holds, wherever it is (a recorded request, or an entry posted before tips were events). */
interface KnownTip {
  riderId: string;
  tip: Money;
  requestedAt: Date;
}

/**
 * A rider's tip after completion, as an event. The route checks the tip against the ledger's
 * own completion entry (rider, driver, fare, policy hash, completion time) and the policy,
 * records it (ledger_tip_requests, the outbox of `trip.tipped`) and answers at once; the
 * worker posts `trip:<tripId>:tip`. One tip per trip: the same tip again gets the first
 * answer, another amount is LEDGER_IDEMPOTENCY_CONFLICT.
 */
@Injectable()
export class TipsService {
  private readonly logger = new Logger('ledger-tips');

  constructor(
    private readonly journal: LedgerRepository,
    private readonly requests: TipRequestsRepository,
    private readonly relay: TipRelayService,
    private readonly policies: FarePolicyReader,
    private readonly clock: Clock,
  ) {}

  async give(riderId: string, tripId: string, tip: Money): Promise<{ created: boolean; tip: TipView }> {
    return asDomainErrors(async () => {
      const known = await this.known(tripId);
      if (known) return { created: false, tip: await this.same(riderId, tripId, known, tip) };

      const completed = await this.journal.find(completedEntryId(tripId));
      if (!completed) throw new DomainError('TRIP_NOT_SETTLED', 'the trip is not completed, or its fare is not posted yet: retry shortly');
      const meta = completed.tx.metadata;
      if (meta.riderId !== riderId) throw new DomainError('TRIP_NOT_FOUND'); // no hint that someone else's trip exists
      // The window counts from the completion the driver reported, else from the posting.
      const completedAtMs = typeof meta.completedAt === 'string' ? Date.parse(meta.completedAt) : completed.postedAt.getTime();
      const policy = await this.policies.byHash(String(meta.policyHash));
      const fare = completed.tx.postings.find((p) => p.accountId === `rider:${riderId}:receivable`)!.amount;
      checkTip(policy, { fareTotal: fare, tip, secondsSinceCompletion: Math.max(0, (this.clock.nowMs() - completedAtMs) / 1000) });

      const { created, request } = await this.requests.record({ tripId, riderId, driverId: String(meta.driverId), tip });
      if (!created) return { created: false, tip: await this.same(riderId, tripId, request, tip) };
      this.relay.relaySoon();
      return { created: true, tip: await this.view(tripId, request) };
    });
  }

  /** The trip's tip and whether it is posted yet; TRIP_NOT_FOUND when the caller gave none on it. */
  async state(riderId: string, tripId: string): Promise<TipView> {
    const known = await this.known(tripId);
    if (!known || known.riderId !== riderId) throw new DomainError('TRIP_NOT_FOUND', 'no tip of yours on this trip');
    return this.view(tripId, known);
  }

  private async known(tripId: string): Promise<KnownTip | undefined> {
    const request = await this.requests.find(tripId);
    if (request) return request;
    const posted = await this.journal.find(tipEntryId(tripId));
    return posted && { riderId: String(posted.tx.metadata.riderId), tip: tipOf(posted), requestedAt: posted.postedAt };
  }

  /** A second tip on the trip: the first answer when it is the same tip, else refused. */
  private async same(riderId: string, tripId: string, known: KnownTip, tip: Money): Promise<TipView> {
    if (known.riderId !== riderId) throw new DomainError('TRIP_NOT_FOUND');
    if (known.tip.amount !== tip.amount || known.tip.currency !== tip.currency) {
      throw new DomainError(
        'LEDGER_IDEMPOTENCY_CONFLICT',
        `this trip has a tip of ${known.tip.amount} ${known.tip.currency} already; one tip per trip, and it cannot be changed`,
      );
    }
    return this.view(tripId, known);
  }

  private async view(tripId: string, known: KnownTip): Promise<TipView> {
    const posted = await this.journal.find(tipEntryId(tripId));
    const base = { tripId, transactionId: tipEntryId(tripId), tip: moneyToJson(known.tip), requestedAt: known.requestedAt.toISOString() };
    if (posted) return { ...base, state: 'posted', postedAt: posted.postedAt.toISOString() };
    const failure = await this.failure(tripId);
    return failure === undefined ? { ...base, state: 'pending' } : { ...base, state: 'failed', failure };
  }

  /** The queue's reason when the tip's event failed for good; unknown (pending) when the queue cannot be read. */
  private async failure(tripId: string): Promise<string | undefined> {
    try {
      return await this.relay.failure(tripId);
    } catch (error) {
      this.logger.warn({ msg: 'cannot read the tip job; answering pending', tripId, error: (error as Error).message });
      return undefined;
    }
  }
}

function tipOf(stored: StoredTransaction): Money {
  const credit = stored.tx.postings.find((p) => p.amount.amount < 0n)!;
  return { amount: -credit.amount.amount, currency: credit.amount.currency };
}
