import { Injectable } from '@nestjs/common';
import { JournalTransaction, JsonValue, MoneyJson, isMoneyError, moneyToJson, parseAccountId } from '@coop/money';
import { DomainError } from '@coop/platform';
import { cancelledEntryId, completedEntryId, tipEntryId } from '../events/trip-event-postings';
import { LedgerRepository, StoredTransaction } from '../journal/ledger.repository';
import { PostingService } from '../journal/posting.service';
import { asDomainErrors } from '../ledger.errors';
import { ChainState, CorrectionRefused, chainState, chargeOf, correctionEntry, refundEntry } from './correction-postings';
import { CorrectionsRepository } from './corrections.repository';

/** A refund or correction as the API shows it. */
export interface CorrectionView {
  transactionId: string;
  kind: 'refund' | 'reversal';
  reverses: string;
  tripId?: string;
  reason: string;
  requestedBy: string;
  amount: MoneyJson;
  lines: Array<{ accountId: string; amount: MoneyJson }>;
  refund?: { [key: string]: JsonValue };
  postedAt: string;
}

export interface RefundRequest {
  id: string;
  tripId: string;
  of: 'fare' | 'cancellation-fee' | 'tip';
  amount?: { amount: bigint; currency: string };
  reason: string;
}

export interface CorrectionRequest {
  id: string;
  transactionId: string;
  reason: string;
}

const ORIGINAL_OF = { fare: completedEntryId, 'cancellation-fee': cancelledEntryId, tip: tipEntryId } as const;

/**
 * How many times a refund is recomputed when a concurrent one took its place in the chain:
 * each round at least one of the contenders wins, so N at once need at most N rounds.
 */
const CHAIN_ATTEMPTS = 32;

/**
 * Refunds and corrections (treasurer or admin): new entries that point to the original,
 * idempotent by the client's id (`refund:<id>`, `correction:<id>`): the same id and request
 * again returns the original entry; another request under it is LEDGER_IDEMPOTENCY_CONFLICT.
 * Concurrent refunds of one original are serialized by the database (the chain index): the
 * loser recomputes from the new state, so two partial refunds never exceed the charge
 * together, and each follows the proportional rule from where the other left off.
 */
@Injectable()
export class CorrectionsService {
  constructor(
    private readonly journal: LedgerRepository,
    private readonly postings: PostingService,
    private readonly chains: CorrectionsRepository,
  ) {}

  async refund(requestedBy: string, req: RefundRequest): Promise<{ created: boolean; view: CorrectionView }> {
    const id = `refund:${req.id}`;
    const originalId = ORIGINAL_OF[req.of](req.tripId);
    return this.post(id, originalId, (existing) => sameRefund(existing, originalId, req), (original, state) => {
      const charge = chargeOf(original);
      if (req.amount && req.amount.currency !== charge.currency) {
        throw new DomainError('VALIDATION_FAILED', `${originalId} was charged in ${charge.currency}, not ${req.amount.currency}`);
      }
      return refundEntry({ id, original, reason: req.reason, requestedBy, ...(req.amount ? { amount: req.amount.amount } : {}) }, charge, state);
    });
  }

  async correct(requestedBy: string, req: CorrectionRequest): Promise<{ created: boolean; view: CorrectionView }> {
    const id = `correction:${req.id}`;
    return this.post(id, req.transactionId, (existing) => sameCorrection(existing, req), (original, state) => {
      chargeOf(original); // only entries that charge a rider: not holds, payouts or dividends
      return correctionEntry({ id, original, reason: req.reason, requestedBy }, state);
    });
  }

  /**
   * Returns the entry under `id` when it exists (or refuses other content), else builds the
   * new one from the original and its chain and posts it; a concurrent entry that took the
   * same place in the chain makes it start over from the new state.
   */
  private async post(
    id: string,
    originalId: string,
    differences: (existing: StoredTransaction) => string[],
    build: (original: JournalTransaction, state: ChainState) => JournalTransaction,
  ): Promise<{ created: boolean; view: CorrectionView }> {
    return asDomainErrors(async () => {
      for (let attempt = 1; ; attempt++) {
        const existing = await this.journal.find(id);
        if (existing) {
          const differ = differences(existing);
          if (differ.length > 0) throw new DomainError('LEDGER_IDEMPOTENCY_CONFLICT', `${id} exists with another ${differ.join(', ')}`);
          return { created: false, view: view(existing) };
        }
        const original = await this.journal.find(originalId);
        if (!original) throw new DomainError('LEDGER_ENTRY_NOT_FOUND', `no ledger entry ${originalId}`);
        let entry: JournalTransaction;
        try {
          const riderAccount = chargeOf(original.tx).riderAccount;
          entry = build(original.tx, chainState(await this.chains.reversing(originalId, riderAccount)));
        } catch (error) {
          if (error instanceof CorrectionRefused) throw new DomainError(error.code, error.message);
          throw error;
        }
        try {
          const result = await this.postings.post(entry);
          return { created: result.outcome === 'new', view: view(result.stored) };
        } catch (error) {
          const contention = chainContention(error);
          if (!contention) throw error;
          if (attempt >= CHAIN_ATTEMPTS) {
            throw new DomainError('SERVICE_UNAVAILABLE', `${originalId} has too many refunds or corrections at once (${contention}): retry ${id}`);
          }
          // A little jitter, so the contenders of the next round do not arrive together again.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
        }
      }
    });
  }
}

/**
 * The database's refusals that mean another entry reversing the same original got in first
 * (the chain's unique index, the one-reversal index, the limit checked at commit): the
 * caller recomputes from the new state, where the pure rules refuse it with a clear reason
 * if it no longer fits.
 */
function chainContention(error: unknown): string | undefined {
  const e = error as { constraint?: string; message?: string };
  for (const name of ['ledger_transactions_reversal_chain', 'ledger_reversal_limit', 'ledger_transactions_one_reversal']) {
    if (e?.constraint === name || e?.message?.includes(name)) return name;
  }
  if (isMoneyError(error) && error.code === 'LEDGER.INVALID_TRANSACTION' && /already reversed/.test(error.message)) return 'ledger_transactions_one_reversal';
  return undefined;
}

function sameRefund(existing: StoredTransaction, originalId: string, req: RefundRequest): string[] {
  const tx = existing.tx;
  const refund = tx.metadata.refund as { amount?: MoneyJson } | undefined;
  const differ: string[] = [];
  if (tx.kind !== 'refund' || tx.reverses !== originalId) differ.push('original');
  if (req.amount && (refund?.amount?.amount !== Number(req.amount.amount) || refund.amount.currency !== req.amount.currency)) differ.push('amount');
  if (tx.metadata.reason !== req.reason) differ.push('reason');
  return differ;
}

function sameCorrection(existing: StoredTransaction, req: CorrectionRequest): string[] {
  const differ: string[] = [];
  if (existing.tx.kind !== 'reversal' || existing.tx.reverses !== req.transactionId) differ.push('original');
  if (existing.tx.metadata.reason !== req.reason) differ.push('reason');
  return differ;
}

function view(stored: StoredTransaction): CorrectionView {
  const tx = stored.tx;
  const meta = tx.metadata;
  const rider = tx.postings.find((p) => p.amount.amount < 0n && parseAccountId(p.accountId).kind === 'rider-receivable')!;
  return {
    transactionId: tx.id,
    kind: tx.kind as 'refund' | 'reversal',
    reverses: tx.reverses!,
    ...(typeof meta.tripId === 'string' ? { tripId: meta.tripId } : {}),
    reason: String(meta.reason),
    requestedBy: String(meta.requestedBy),
    amount: moneyToJson({ amount: -rider.amount.amount, currency: rider.amount.currency }),
    lines: tx.postings.map((p) => ({ accountId: p.accountId, amount: moneyToJson(p.amount) })),
    ...(meta.refund !== undefined ? { refund: meta.refund as { [key: string]: JsonValue } } : {}),
    postedAt: stored.postedAt.toISOString(),
  };
}
