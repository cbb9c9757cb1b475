/**
 * Posting rules: how each money event becomes a balanced journal transaction. Builders are
 * pure: the caller chooses the transaction id (its idempotency key, e.g. `trip:<tripId>:completed`)
 * and passes every fact in; each result is checked with assertBalanced before it is returned.
 *
 * Card-style payments use two phases, after TigerBeetle's pending transfers
 * (https://docs.tigerbeetle.com/coding/two-phase-transfers/): a hold at request puts the
 * amount on the pending layer; a capture (postPending) releases the hold and posts up to the
 * held amount; a void releases it and posts nothing. Resolving a hold at most once is the
 * store's job (a unique index on pendingId).
 */
import { accountId } from './accounts';
import { MoneyError } from './errors';
import type { FarePolicy } from './fare-policy';
import type { CancellationCharge, FareBreakdown, FinalFare, FareSplit } from './fares';
import { splitCancellationFee, splitFare } from './fares';
import type { JournalTransaction, JsonObject, JsonValue, Posting } from './journal';
import { assertBalanced } from './journal';
import type { Money } from './money';
import { moneyToJson } from './money';

function isMoney(v: unknown): v is Money {
  return typeof v === 'object' && v !== null && typeof (v as Money).amount === 'bigint' && typeof (v as Money).currency === 'string';
}

/** Converts a value holding Money fields (a fare breakdown, a split) to JSON for metadata. */
export function moneyTreeToJson(value: unknown): JsonValue {
  if (isMoney(value)) return moneyToJson(value) as unknown as JsonValue;
  if (Array.isArray(value)) return value.map(moneyTreeToJson);
  if (typeof value === 'object' && value !== null) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = moneyTreeToJson(v);
    return out;
  }
  if (typeof value === 'bigint') throw new MoneyError('LEDGER.INVALID_TRANSACTION', 'bare bigint in metadata');
  return value as JsonValue;
}

function debit(account: string, amount: Money, pending = false): Posting {
  return { accountId: account, amount, ...(pending ? { pending: true } : {}) };
}

function credit(account: string, amount: Money, pending = false): Posting {
  return { accountId: account, amount: { amount: -amount.amount, currency: amount.currency }, ...(pending ? { pending: true } : {}) };
}

/** Postings with a zero amount say nothing; leave them out. */
function nonZero(postings: Posting[]): Posting[] {
  return postings.filter((p) => p.amount.amount !== 0n);
}

function build(tx: JournalTransaction): JournalTransaction {
  assertBalanced(tx);
  return tx;
}

function assertPositive(m: Money, what: string): void {
  if (m.amount <= 0n) throw new MoneyError('MONEY.INVALID_AMOUNT', `${what} must be > 0 to post`);
}

/** Facts of a completed trip. */
export interface TripCompletedInput {
  id: string;
  tripId: string;
  riderId: string;
  driverId: string;
  /** The final fare (finalFare) or, for a binding quote, the breakdown. */
  fare: FareBreakdown | FinalFare;
  /** The policy the trip was quoted under, and its content hash, recorded in metadata. */
  policy: FarePolicy;
  policyHash: string;
  /** When the trip completed (ISO 8601 UTC), recorded in metadata: the tip window counts from it. */
  completedAt?: string;
}

/**
 * Trip completed: debit the rider's receivable with the fare; credit the driver's payable,
 * the co-op commission and the common fund with the split (splitFare: commission computed
 * once, the driver gets the remainder). Metadata holds the trip id, the fare, the split and the policy hash.
 */
export function postTripCompleted(input: TripCompletedInput): JournalTransaction {
  const total = input.fare.total;
  assertPositive(total, 'fare');
  const split: FareSplit = splitFare(input.policy, total);
  return build({
    id: input.id,
    kind: 'trip.completed',
    postings: nonZero([
      debit(accountId({ kind: 'rider-receivable', memberId: input.riderId }), total),
      credit(accountId({ kind: 'driver-payable', memberId: input.driverId }), split.driver),
      credit(accountId({ kind: 'coop-commission' }), split.commission),
      credit(accountId({ kind: 'coop-common-fund' }), split.commonFund),
    ]),
    metadata: {
      tripId: input.tripId,
      riderId: input.riderId,
      driverId: input.driverId,
      policyHash: input.policyHash,
      ...(input.completedAt !== undefined ? { completedAt: input.completedAt } : {}),
      fare: moneyTreeToJson(input.fare),
      split: moneyTreeToJson(split),
    },
  });
}

/** Facts of a cancelled trip. */
export interface TripCancelledInput {
  id: string;
  tripId: string;
  riderId: string;
  /** The matched driver, who receives the fee. */
  driverId: string;
  /** The result of cancellationFee. */
  charge: CancellationCharge;
  policy: FarePolicy;
  policyHash: string;
}

/**
 * Trip cancelled with a fee: debit the rider, credit the driver (and the commission only if
 * the policy applies it to cancellation fees). Returns null when the fee is zero: nothing to post.
 */
export function postTripCancelled(input: TripCancelledInput): JournalTransaction | null {
  const fee = input.charge.fee;
  if (fee.amount === 0n) return null;
  assertPositive(fee, 'cancellation fee');
  const split = splitCancellationFee(input.policy, fee);
  return build({
    id: input.id,
    kind: 'trip.cancelled',
    postings: nonZero([
      debit(accountId({ kind: 'rider-receivable', memberId: input.riderId }), fee),
      credit(accountId({ kind: 'driver-payable', memberId: input.driverId }), split.driver),
      credit(accountId({ kind: 'coop-commission' }), split.commission),
      credit(accountId({ kind: 'coop-common-fund' }), split.commonFund),
    ]),
    metadata: {
      tripId: input.tripId,
      riderId: input.riderId,
      driverId: input.driverId,
      policyHash: input.policyHash,
      reason: input.charge.reason,
      split: moneyTreeToJson(split),
    },
  });
}

/**
 * A rider's tip after completion (validate it first with checkTip): debit the rider, credit
 * the driver's tips payable in full. No commission is taken from tips.
 */
export function postTip(input: { id: string; tripId: string; riderId: string; driverId: string; tip: Money }): JournalTransaction {
  assertPositive(input.tip, 'tip');
  return build({
    id: input.id,
    kind: 'trip.tip',
    postings: [
      debit(accountId({ kind: 'rider-receivable', memberId: input.riderId }), input.tip),
      credit(accountId({ kind: 'driver-tips-payable', memberId: input.driverId }), input.tip),
    ],
    metadata: { tripId: input.tripId, riderId: input.riderId, driverId: input.driverId },
  });
}

/**
 * A partial goodwill refund the co-op bears: debit co-op refunds, credit the rider's
 * receivable; it points to the original by `reverses`. The driver's earnings are untouched.
 * A full refund (or a correction) is reverse(original) instead, which unwinds every part.
 */
export function postRefund(input: { id: string; original: JournalTransaction; riderId: string; amount: Money; reason: string }): JournalTransaction {
  assertPositive(input.amount, 'refund');
  const receivable = accountId({ kind: 'rider-receivable', memberId: input.riderId });
  const charged = input.original.postings
    .filter((p) => p.accountId === receivable && p.pending !== true && p.amount.currency === input.amount.currency)
    .reduce((s, p) => s + p.amount.amount, 0n);
  if (input.amount.amount > charged) {
    throw new MoneyError('LEDGER.INVALID_TRANSACTION', `refund ${input.amount.amount} exceeds the ${charged} charged to the rider in ${input.original.id}`);
  }
  return build({
    id: input.id,
    kind: 'refund',
    postings: [debit(accountId({ kind: 'coop-refunds' }), input.amount), credit(receivable, input.amount)],
    metadata: { reason: input.reason, ...(typeof input.original.metadata.tripId === 'string' ? { tripId: input.original.metadata.tripId } : {}) },
    reverses: input.original.id,
  });
}

/**
 * Two-phase, phase one: a card authorization at request. Pending layer only: debit payment
 * clearing, credit the rider's receivable; posted balances do not move. `details` (the quote,
 * the margin held) go into the metadata beside the trip id.
 */
export function hold(input: { id: string; tripId: string; riderId: string; amount: Money; details?: JsonObject }): JournalTransaction {
  assertPositive(input.amount, 'hold');
  return build({
    id: input.id,
    kind: 'payment.hold',
    postings: [
      debit(accountId({ kind: 'payment-clearing' }), input.amount, true),
      credit(accountId({ kind: 'rider-receivable', memberId: input.riderId }), input.amount, true),
    ],
    metadata: { ...input.details, tripId: input.tripId },
  });
}

function heldAmount(holdTx: JournalTransaction): Money {
  const clearing = accountId({ kind: 'payment-clearing' });
  const p = holdTx.kind === 'payment.hold' ? holdTx.postings.find((q) => q.accountId === clearing && q.pending === true) : undefined;
  if (!p || p.amount.amount <= 0n) {
    throw new MoneyError('LEDGER.INVALID_PENDING', `transaction ${holdTx.id} is not a hold`);
  }
  return p.amount;
}

function release(holdTx: JournalTransaction): Posting[] {
  return holdTx.postings.map((p) => ({ accountId: p.accountId, amount: { amount: -p.amount.amount, currency: p.amount.currency }, pending: true }));
}

/**
 * Two-phase, post: releases the whole hold and posts `amount` (default: the held amount; at
 * most the held amount, as TigerBeetle allows posting less than pending) from clearing
 * against the rider's receivable. Throws LEDGER.INVALID_PENDING for more than held or zero.
 * `details` (why, what was not captured) are added to the hold's metadata.
 */
export function postPending(holdTx: JournalTransaction, newId: string, amount?: Money, details?: JsonObject): JournalTransaction {
  const held = heldAmount(holdTx);
  const capture = amount ?? held;
  if (capture.currency !== held.currency || capture.amount <= 0n || capture.amount > held.amount) {
    throw new MoneyError('LEDGER.INVALID_PENDING', `capture must be in ${held.currency}, > 0 and <= the held ${held.amount}; void instead of capturing 0`);
  }
  const rider = holdTx.postings.find((p) => p.accountId !== accountId({ kind: 'payment-clearing' }))!;
  return build({
    id: newId,
    kind: 'payment.capture',
    postings: [
      ...release(holdTx),
      debit(accountId({ kind: 'payment-clearing' }), capture),
      credit(rider.accountId, capture),
    ],
    metadata: { ...holdTx.metadata, ...details, held: moneyTreeToJson(held) },
    pendingId: holdTx.id,
  });
}

/** Two-phase, void: releases the whole hold; nothing is posted. */
export function voidPending(holdTx: JournalTransaction, newId: string, reason?: string): JournalTransaction {
  heldAmount(holdTx);
  return build({
    id: newId,
    kind: 'payment.void',
    postings: release(holdTx),
    metadata: { ...holdTx.metadata, ...(reason !== undefined ? { reason } : {}) },
    pendingId: holdTx.id,
  });
}
