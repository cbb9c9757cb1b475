/**
 * The double-entry journal: transactions of two or more postings that balance per currency,
 * never updated or deleted; corrections are reversing entries that point to the original.
 *
 * Postings carry a signed amount: positive = debit, negative = credit (accounts.ts). A
 * posting is either posted (the default) or pending: pending postings are the two-phase
 * layer (a card hold, TigerBeetle's "pending transfer"), kept apart from posted balances.
 * Each layer balances per currency on its own, so a hold and its release never leak into
 * the posted trial balance.
 */
import { parseAccountId } from './accounts';
import { MoneyError } from './errors';
import type { Money, MoneyJson } from './money';
import { assertCurrency, moneyFromJson, moneyToJson } from './money';

/** A JSON value, for metadata that is stored and compared as canonical JSON. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Kinds of journal transaction the posting rules produce. */
export const TRANSACTION_KINDS = [
  'trip.completed',
  'trip.cancelled',
  'trip.tip',
  'refund',
  'reversal',
  'payment.hold',
  'payment.capture',
  'payment.void',
  'payout',
  'dividend',
] as const;
/** A kind of journal transaction. */
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

/** One line of a transaction: a signed amount (debit > 0, credit < 0) on one account. */
export interface Posting {
  readonly accountId: string;
  readonly amount: Money;
  /** True on the two-phase (pending) layer; absent or false on the posted layer. */
  readonly pending?: boolean;
}

/** A balanced journal entry. `id` is chosen by the client and is its idempotency key. */
export interface JournalTransaction {
  readonly id: string;
  readonly kind: TransactionKind;
  readonly postings: readonly Posting[];
  /** Trip id, fare breakdown, policy hash, reasons; JSON so it hashes and compares canonically. */
  readonly metadata: JsonObject;
  /** The id of the transaction this one reverses (reversals and refunds). */
  readonly reverses?: string;
  /** The id of the pending hold this one posts or voids (two-phase). */
  readonly pendingId?: string;
}

const TX_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** Throws LEDGER.INVALID_TRANSACTION unless `id` is a usable transaction id (1-200 chars, no spaces). */
export function assertTransactionId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !TX_ID.test(id)) {
    throw new MoneyError('LEDGER.INVALID_TRANSACTION', `not a usable transaction id: ${String(id)}`);
  }
}

/**
 * Checks every rule of a transaction: a usable id and kind, two or more postings, accounts of
 * the naming scheme, non-zero amounts, one currency per account within the transaction, and
 * the postings of each layer (posted, pending) summing to zero per currency.
 * Throws LEDGER.* codes; LEDGER.UNBALANCED carries the per-currency imbalance.
 */
export function assertBalanced(tx: JournalTransaction): void {
  assertTransactionId(tx.id);
  if (!TRANSACTION_KINDS.includes(tx.kind)) {
    throw new MoneyError('LEDGER.INVALID_TRANSACTION', `unknown transaction kind: ${String(tx.kind)}`);
  }
  if (tx.reverses !== undefined) assertTransactionId(tx.reverses);
  if (tx.pendingId !== undefined) assertTransactionId(tx.pendingId);
  if (!Array.isArray(tx.postings) || tx.postings.length < 2) {
    throw new MoneyError('LEDGER.TOO_FEW_POSTINGS', `transaction ${tx.id} needs two or more postings`);
  }
  const currencyOf = new Map<string, string>();
  const totals = new Map<string, bigint>();
  for (const p of tx.postings) {
    parseAccountId(p.accountId);
    assertCurrency(p.amount.currency);
    if (typeof p.amount.amount !== 'bigint' || p.amount.amount === 0n) {
      throw new MoneyError('LEDGER.INVALID_TRANSACTION', `posting on ${p.accountId} must be a non-zero bigint amount`);
    }
    const seen = currencyOf.get(p.accountId);
    if (seen !== undefined && seen !== p.amount.currency) {
      throw new MoneyError('LEDGER.ACCOUNT_CURRENCY_MISMATCH', `account ${p.accountId} posted in ${seen} and ${p.amount.currency}`, {
        accountId: p.accountId,
      });
    }
    currencyOf.set(p.accountId, p.amount.currency);
    const key = `${p.pending === true ? 'pending' : 'posted'} ${p.amount.currency}`;
    totals.set(key, (totals.get(key) ?? 0n) + p.amount.amount);
  }
  const off = [...totals].filter(([, v]) => v !== 0n);
  if (off.length > 0) {
    throw new MoneyError('LEDGER.UNBALANCED', `transaction ${tx.id} does not balance: ${off.map(([k, v]) => `${k} ${v}`).join(', ')}`, {
      imbalance: Object.fromEntries(off.map(([k, v]) => [k, v.toString()])),
    });
  }
}

/**
 * Checks each posting against the currency the ledger fixed for its account (one currency per
 * account); `currencyOf` returns undefined for an account not opened yet. Throws
 * LEDGER.ACCOUNT_CURRENCY_MISMATCH.
 */
export function assertAccountCurrencies(tx: JournalTransaction, currencyOf: (accountId: string) => string | undefined): void {
  for (const p of tx.postings) {
    const fixed = currencyOf(p.accountId);
    if (fixed !== undefined && fixed !== p.amount.currency) {
      throw new MoneyError('LEDGER.ACCOUNT_CURRENCY_MISMATCH', `account ${p.accountId} holds ${fixed}, not ${p.amount.currency}`, {
        accountId: p.accountId,
      });
    }
  }
}

/** Stable serialization for comparison: sorted keys, bigint tagged, pending normalized. */
function stable(value: unknown): string {
  if (typeof value === 'bigint') return `"${value}n"`;
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function contentOf(tx: JournalTransaction): Record<string, string> {
  return {
    id: stable(tx.id),
    kind: stable(tx.kind),
    postings: stable(tx.postings.map((p) => ({ accountId: p.accountId, amount: p.amount, pending: p.pending === true }))),
    metadata: stable(tx.metadata),
    reverses: stable(tx.reverses ?? null),
    pendingId: stable(tx.pendingId ?? null),
  };
}

/** The fields in which two transactions differ (empty when the content is the same). */
export function contentDifferences(a: JournalTransaction, b: JournalTransaction): string[] {
  const ca = contentOf(a);
  const cb = contentOf(b);
  return Object.keys(ca).filter((k) => ca[k] !== cb[k]);
}

/** True when both transactions carry the same id and content (postings order-sensitive). */
export function sameContent(a: JournalTransaction, b: JournalTransaction): boolean {
  return contentDifferences(a, b).length === 0;
}

/**
 * Idempotent create, as TigerBeetle does for transfers
 * (https://docs.tigerbeetle.com/reference/requests/create_transfers/: result `exists` when a
 * transfer with the same id and the same fields exists, `exists_with_different_*` otherwise):
 * returns 'new' when nothing is stored under the id, 'duplicate' when the stored one is the
 * same (the caller answers with the original), and throws LEDGER.IDEMPOTENCY_CONFLICT, with
 * the differing fields, when the same id comes with different content.
 */
export function checkIdempotency(existing: JournalTransaction | undefined, incoming: JournalTransaction): 'new' | 'duplicate' {
  if (existing === undefined) return 'new';
  if (existing.id !== incoming.id) {
    throw new MoneyError('LEDGER.INVALID_TRANSACTION', 'checkIdempotency compares transactions with the same id');
  }
  const differs = contentDifferences(existing, incoming);
  if (differs.length === 0) return 'duplicate';
  throw new MoneyError('LEDGER.IDEMPOTENCY_CONFLICT', `transaction ${incoming.id} exists with different ${differs.join(', ')}`, {
    id: incoming.id,
    differs,
  });
}

/**
 * A reversing entry: the original's posted postings negated, pointing to it by `reverses`.
 * Together the two net to zero on every account. Pending-only transactions (holds, voids)
 * cannot be reversed: a hold is released with voidPending. Throws LEDGER.INVALID_PENDING.
 */
export function reverse(tx: JournalTransaction, newId: string, reason?: string): JournalTransaction {
  assertTransactionId(newId);
  const posted = tx.postings.filter((p) => p.pending !== true);
  if (posted.length === 0) {
    throw new MoneyError('LEDGER.INVALID_PENDING', `transaction ${tx.id} has no posted postings; void the hold instead`);
  }
  const out: JournalTransaction = {
    id: newId,
    kind: 'reversal',
    postings: posted.map((p) => ({ accountId: p.accountId, amount: { amount: -p.amount.amount, currency: p.amount.currency } })),
    metadata: { reversedKind: tx.kind, ...(reason !== undefined ? { reason } : {}) },
    reverses: tx.id,
  };
  assertBalanced(out);
  return out;
}

/** Posted and pending balance of one account (signed: debit > 0). */
export interface AccountBalance {
  accountId: string;
  currency: string;
  posted: bigint;
  pending: bigint;
}

/**
 * Balances per account over a list of transactions, sorted by account id. Throws
 * LEDGER.ACCOUNT_CURRENCY_MISMATCH when an account appears in two currencies.
 */
export function balances(txs: readonly JournalTransaction[]): AccountBalance[] {
  const byAccount = new Map<string, AccountBalance>();
  for (const tx of txs) {
    for (const p of tx.postings) {
      let b = byAccount.get(p.accountId);
      if (!b) {
        b = { accountId: p.accountId, currency: p.amount.currency, posted: 0n, pending: 0n };
        byAccount.set(p.accountId, b);
      }
      if (b.currency !== p.amount.currency) {
        throw new MoneyError('LEDGER.ACCOUNT_CURRENCY_MISMATCH', `account ${p.accountId} in ${b.currency} and ${p.amount.currency}`, {
          accountId: p.accountId,
        });
      }
      if (p.pending === true) b.pending += p.amount.amount;
      else b.posted += p.amount.amount;
    }
  }
  return [...byAccount.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
}

/** JSON form of a posting (API.md money shape). */
export interface PostingJson {
  accountId: string;
  amount: MoneyJson;
  pending?: true;
}

/** JSON form of a transaction, for storage and the API. */
export interface JournalTransactionJson {
  id: string;
  kind: TransactionKind;
  postings: PostingJson[];
  metadata: JsonObject;
  reverses?: string;
  pendingId?: string;
}

/** Converts a transaction to JSON; amounts must be safe integers (MONEY.UNSAFE_INTEGER). */
export function transactionToJson(tx: JournalTransaction): JournalTransactionJson {
  return {
    id: tx.id,
    kind: tx.kind,
    postings: tx.postings.map((p) => ({ accountId: p.accountId, amount: moneyToJson(p.amount), ...(p.pending === true ? { pending: true as const } : {}) })),
    metadata: tx.metadata,
    ...(tx.reverses !== undefined ? { reverses: tx.reverses } : {}),
    ...(tx.pendingId !== undefined ? { pendingId: tx.pendingId } : {}),
  };
}

/** Parses and fully checks (assertBalanced) a stored or received transaction. */
export function transactionFromJson(value: unknown): JournalTransaction {
  if (typeof value !== 'object' || value === null) {
    throw new MoneyError('LEDGER.INVALID_TRANSACTION', 'transaction must be an object');
  }
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.postings)) throw new MoneyError('LEDGER.TOO_FEW_POSTINGS', 'postings must be an array');
  if (typeof v.metadata !== 'object' || v.metadata === null || Array.isArray(v.metadata)) {
    throw new MoneyError('LEDGER.INVALID_TRANSACTION', 'metadata must be an object');
  }
  const tx: JournalTransaction = {
    id: v.id as string,
    kind: v.kind as TransactionKind,
    postings: v.postings.map((p: unknown) => {
      const q = (p ?? {}) as Record<string, unknown>;
      if (q.pending !== undefined && q.pending !== true) {
        throw new MoneyError('LEDGER.INVALID_TRANSACTION', 'pending must be true or absent');
      }
      return { accountId: q.accountId as string, amount: moneyFromJson(q.amount), ...(q.pending === true ? { pending: true } : {}) };
    }),
    metadata: v.metadata as JsonObject,
    ...(v.reverses !== undefined ? { reverses: v.reverses as string } : {}),
    ...(v.pendingId !== undefined ? { pendingId: v.pendingId as string } : {}),
  };
  assertBalanced(tx);
  return tx;
}
