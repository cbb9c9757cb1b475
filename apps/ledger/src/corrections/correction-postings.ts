/**
 * Pure: refunds and corrections as new journal entries that point to the original
 * (`reverses`). Nothing here reads the database: the caller passes the original and the
 * chain of entries that already reverse it, in journal order.
 *
 * - A **refund** gives the rider back part or all of what an entry charged them (a trip's
 *   fare, a cancellation fee, a tip): credit the rider's receivable, and debit each credit
 *   line of the original in proportion (refund-split.ts), so the driver's and the co-op's
 *   shares are reversed by the stated rounding rule and the parts sum to the refund exactly.
 * - A **correction** reverses one entry in full (libs/money `reverse`): every posted line
 *   negated. Only an entry nothing has taken back from yet can be corrected.
 *
 * Each new entry names the entry before it in the original's chain (`metadata.after`); the
 * database allows one successor per link and refuses anything that takes back more than the
 * original posted on any account (migration 1763900000851).
 */
import { JournalTransaction, JsonObject, Money, Posting, moneyTreeToJson, parseAccountId, reverse } from '@coop/money';
import { refundParts } from './refund-split';

/** Entries a refund or correction may take back from: each charges one rider and credits the rest. */
export const REVERSIBLE_KINDS: readonly string[] = ['trip.completed', 'trip.cancelled', 'trip.tip'];

/** A refusal the API explains with its code. */
export class CorrectionRefused extends Error {
  constructor(
    readonly code: 'NOT_REVERSIBLE' | 'REFUND_EXCEEDS_CHARGE',
    message: string,
  ) {
    super(message);
  }
}

/** What an entry charged: the rider's receivable debit, and its credit lines in refund order. */
export interface Charge {
  riderAccount: string;
  currency: string;
  charged: bigint;
  /** The credit lines as positive amounts: the co-op's accounts first, the member's last. */
  shares: Array<{ accountId: string; amount: bigint }>;
}

/** An entry that already reverses the original: its id and what it credited to the rider. */
export interface ReversingEntry {
  id: string;
  kind: string;
  riderAmount: bigint;
}

/** Where the original's chain stands: the last entry, what was refunded, whether it was corrected. */
export interface ChainState {
  after: string;
  refunded: bigint;
  corrected: boolean;
}

/** The charge of a reversible entry; NOT_REVERSIBLE for any other. */
export function chargeOf(original: JournalTransaction): Charge {
  if (!REVERSIBLE_KINDS.includes(original.kind)) {
    throw new CorrectionRefused('NOT_REVERSIBLE', `${original.id} is a ${original.kind} entry; only ${REVERSIBLE_KINDS.join(', ')} can be refunded or corrected`);
  }
  const posted = original.postings.filter((p) => p.pending !== true);
  const debits = posted.filter((p) => p.amount.amount > 0n);
  const rider = debits[0];
  if (debits.length !== 1 || parseAccountId(rider!.accountId).kind !== 'rider-receivable') {
    throw new CorrectionRefused('NOT_REVERSIBLE', `${original.id} does not charge exactly one rider`);
  }
  const credits = posted.filter((p) => p.amount.amount < 0n);
  const coop = (p: Posting) => parseAccountId(p.accountId).kind.startsWith('coop-');
  return {
    riderAccount: rider!.accountId,
    currency: rider!.amount.currency,
    charged: rider!.amount.amount,
    shares: [...credits.filter(coop), ...credits.filter((p) => !coop(p))].map((p) => ({ accountId: p.accountId, amount: -p.amount.amount })),
  };
}

/** The chain's state from the entries reversing the original, in journal order. */
export function chainState(reversing: readonly ReversingEntry[]): ChainState {
  return {
    after: reversing.length > 0 ? reversing[reversing.length - 1]!.id : '',
    refunded: reversing.reduce((s, r) => s - r.riderAmount, 0n),
    corrected: reversing.some((r) => r.kind === 'reversal'),
  };
}

/** The facts a refund or correction request carries besides its id. */
export interface CorrectionRequest {
  id: string;
  original: JournalTransaction;
  reason: string;
  requestedBy: string;
}

function baseMetadata(req: CorrectionRequest, state: ChainState): JsonObject {
  const meta = req.original.metadata;
  return {
    ...(typeof meta.tripId === 'string' ? { tripId: meta.tripId } : {}),
    reason: req.reason,
    requestedBy: req.requestedBy,
    after: state.after,
  };
}

/**
 * The refund of `amount` (default: all that is left) of the original's charge, after the
 * chain so far. REFUND_EXCEEDS_CHARGE when it would take back more than was charged, or the
 * original was corrected already.
 */
export function refundEntry(req: CorrectionRequest & { amount?: bigint }, charge: Charge, state: ChainState): JournalTransaction {
  if (state.corrected) throw new CorrectionRefused('REFUND_EXCEEDS_CHARGE', `${req.original.id} was corrected (reversed in full) already`);
  const left = charge.charged - state.refunded;
  const amount = req.amount ?? left;
  if (amount <= 0n || amount > left) {
    throw new CorrectionRefused(
      'REFUND_EXCEEDS_CHARGE',
      `${req.original.id} charged ${charge.charged} ${charge.currency}, ${state.refunded} of it refunded already: at most ${left} can be refunded`,
    );
  }
  const parts = refundParts(charge.shares.map((s) => s.amount), state.refunded, amount);
  const m = (a: bigint): Money => ({ amount: a, currency: charge.currency });
  return {
    id: req.id,
    kind: 'refund',
    postings: [
      { accountId: charge.riderAccount, amount: { amount: -amount, currency: charge.currency } },
      ...charge.shares.flatMap((s, i) => (parts[i]! > 0n ? [{ accountId: s.accountId, amount: { amount: parts[i]!, currency: charge.currency } }] : [])),
    ],
    metadata: {
      ...baseMetadata(req, state),
      refund: moneyTreeToJson({ amount: m(amount), charged: m(charge.charged), refundedBefore: m(state.refunded), refundedAfter: m(state.refunded + amount) }),
    },
    reverses: req.original.id,
  };
}

/** The correction: the original reversed in full. REFUND_EXCEEDS_CHARGE once anything was taken back from it. */
export function correctionEntry(req: CorrectionRequest, state: ChainState): JournalTransaction {
  if (state.after !== '') {
    throw new CorrectionRefused(
      'REFUND_EXCEEDS_CHARGE',
      `${req.original.id} was ${state.corrected ? 'corrected' : 'refunded in part'} already (${state.after}): a full reversal would take back more than it posted`,
    );
  }
  const reversal = reverse(req.original, req.id, req.reason);
  return { ...reversal, metadata: { ...reversal.metadata, ...baseMetadata(req, state) } };
}

