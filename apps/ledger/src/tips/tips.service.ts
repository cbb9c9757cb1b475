import { Injectable } from '@nestjs/common';
import { Money, MoneyJson, checkTip, moneyToJson, postTip } from '@coop/money';
import { Clock, DomainError } from '@coop/platform';
import { completedEntryId, tipEntryId } from '../events/trip-event-postings';
import { StoredTransaction, LedgerRepository } from '../journal/ledger.repository';
import { PostingService } from '../journal/posting.service';
import { asDomainErrors } from '../ledger.errors';
import { FarePolicyReader } from '../policy/fare-policy.reader';

/** The answer to a tip: the entry that holds it. */
export interface TipView {
  tripId: string;
  transactionId: string;
  tip: MoneyJson;
  postedAt: string;
}

function view(tripId: string, stored: StoredTransaction): TipView {
  const credit = stored.tx.postings.find((p) => p.amount.amount < 0n)!;
  return { tripId, transactionId: stored.tx.id, tip: moneyToJson({ amount: -credit.amount.amount, currency: credit.amount.currency }), postedAt: stored.postedAt.toISOString() };
}

/**
 * A rider's tip after completion. The facts come from the ledger's own completion entry
 * (rider, driver, fare, policy hash, completion time), so the ledger needs no other
 * service. One tip per trip, idempotent in TigerBeetle's sense: the same tip again returns
 * the first answer; another amount is LEDGER_IDEMPOTENCY_CONFLICT.
 */
@Injectable()
export class TipsService {
  constructor(
    private readonly journal: LedgerRepository,
    private readonly postings: PostingService,
    private readonly policies: FarePolicyReader,
    private readonly clock: Clock,
  ) {}

  async give(riderId: string, tripId: string, tip: Money): Promise<{ created: boolean; tip: TipView }> {
    return asDomainErrors(async () => {
      const completed = await this.journal.find(completedEntryId(tripId));
      if (!completed) throw new DomainError('TRIP_NOT_SETTLED', 'the trip is not completed, or its fare is not posted yet: retry shortly');
      const meta = completed.tx.metadata;
      if (meta.riderId !== riderId) throw new DomainError('TRIP_NOT_FOUND'); // no hint that someone else's trip exists
      const entry = postTip({ id: tipEntryId(tripId), tripId, riderId, driverId: String(meta.driverId), tip });
      const earlier = await this.journal.find(entry.id);
      if (!earlier) {
        // The window counts from the completion the driver reported, else from the posting.
        const completedAtMs = typeof meta.completedAt === 'string' ? Date.parse(meta.completedAt) : completed.postedAt.getTime();
        const policy = await this.policies.byHash(String(meta.policyHash));
        const fare = completed.tx.postings.find((p) => p.accountId === `rider:${riderId}:receivable`)!.amount;
        checkTip(policy, { fareTotal: fare, tip, secondsSinceCompletion: Math.max(0, (this.clock.nowMs() - completedAtMs) / 1000) });
      }
      // Validated or not, the append decides: a concurrent twin or a retry gets the original.
      const result = await this.postings.post(entry);
      return { created: result.outcome === 'new', tip: view(tripId, result.stored) };
    });
  }
}
