/**
 * Ledger account naming. An account id is a readable string, `<owner>[:<memberId>]:<purpose>`,
 * so a trial balance or a statement reads without a lookup table; `AccountRef` is its typed
 * form. Each account holds one currency, fixed when the ledger opens it (see journal.ts).
 *
 * Sign convention used by every posting: a positive amount is a debit, a negative amount a
 * credit. Debit-normal accounts (assets, expenses) carry positive balances; credit-normal
 * accounts (what the co-op owes, its revenue and funds) carry negative ones.
 */
import { MoneyError } from './errors';

/** The typed form of a ledger account. */
export type AccountRef =
  /** What a rider owes for trips, fees and tips (asset, debit-normal). */
  | { kind: 'rider-receivable'; memberId: string }
  /** What the co-op owes a driver for fares and cancellation fees (liability, credit-normal). */
  | { kind: 'driver-payable'; memberId: string }
  /** Tips the co-op holds for a driver, passed on in full (liability, credit-normal). */
  | { kind: 'driver-tips-payable'; memberId: string }
  /** Card money captured but not yet settled by the payment processor (asset, debit-normal). */
  | { kind: 'payment-clearing' }
  /** Payouts sent to drivers' banks but not yet confirmed (asset, debit-normal). */
  | { kind: 'payout-clearing' }
  /** The co-op's commission revenue (credit-normal). */
  | { kind: 'coop-commission' }
  /** The members' common fund, when the policy has one (credit-normal). */
  | { kind: 'coop-common-fund' }
  /** Goodwill refunds the co-op bears (contra-revenue expense, debit-normal). */
  | { kind: 'coop-refunds' }
  /** The indivisible reserve: the share of each year's surplus never allocated to members (credit-normal). */
  | { kind: 'coop-reserve' }
  /** A member's capital account: retained patronage dividends, redeemed later (credit-normal). */
  | { kind: 'member-capital'; memberId: string }
  /** The cash part of a member's patronage dividend, owed until paid (credit-normal). */
  | { kind: 'member-dividend-payable'; memberId: string };

/** The kinds of account. */
export type AccountKind = AccountRef['kind'];

const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The co-op's and the clearing accounts: ids of one colon, one account each. */
const FIXED: ReadonlyMap<string, AccountRef> = new Map<string, AccountRef>([
  ['payments:clearing', { kind: 'payment-clearing' }],
  ['payouts:clearing', { kind: 'payout-clearing' }],
  ['coop:commission', { kind: 'coop-commission' }],
  ['coop:common-fund', { kind: 'coop-common-fund' }],
  ['coop:reserve', { kind: 'coop-reserve' }],
  ['coop:refunds', { kind: 'coop-refunds' }],
]);

/** The per-member accounts: `<owner>:<memberId>:<purpose>`. */
const PER_MEMBER: ReadonlyArray<{ owner: string; purpose: string; kind: AccountKind }> = [
  { owner: 'rider', purpose: 'receivable', kind: 'rider-receivable' },
  { owner: 'driver', purpose: 'payable', kind: 'driver-payable' },
  { owner: 'driver', purpose: 'tips-payable', kind: 'driver-tips-payable' },
  { owner: 'member', purpose: 'capital', kind: 'member-capital' },
  { owner: 'member', purpose: 'dividend-payable', kind: 'member-dividend-payable' },
];

/** Throws LEDGER.INVALID_ACCOUNT unless `id` can be part of an account id (letters, digits, . _ -; no colon). */
export function assertMemberId(id: string): void {
  if (typeof id !== 'string' || !MEMBER_ID.test(id)) {
    throw new MoneyError('LEDGER.INVALID_ACCOUNT', `not a usable member id: ${String(id)}`);
  }
}

/** The account id string of a typed account, e.g. `driver:<memberId>:payable`. */
export function accountId(ref: AccountRef): string {
  switch (ref.kind) {
    case 'rider-receivable':
      assertMemberId(ref.memberId);
      return `rider:${ref.memberId}:receivable`;
    case 'driver-payable':
      assertMemberId(ref.memberId);
      return `driver:${ref.memberId}:payable`;
    case 'driver-tips-payable':
      assertMemberId(ref.memberId);
      return `driver:${ref.memberId}:tips-payable`;
    case 'payment-clearing':
      return 'payments:clearing';
    case 'payout-clearing':
      return 'payouts:clearing';
    case 'coop-commission':
      return 'coop:commission';
    case 'coop-common-fund':
      return 'coop:common-fund';
    case 'coop-refunds':
      return 'coop:refunds';
    case 'coop-reserve':
      return 'coop:reserve';
    case 'member-capital':
      assertMemberId(ref.memberId);
      return `member:${ref.memberId}:capital`;
    case 'member-dividend-payable':
      assertMemberId(ref.memberId);
      return `member:${ref.memberId}:dividend-payable`;
  }
}

/**
 * Parses an account id string; throws LEDGER.INVALID_ACCOUNT for anything outside the scheme.
 * Every line of every entry passes here more than once, so it finds the colons and compares
 * in place rather than splitting the id and building lookup keys (apps/ledger/README.md, Benchmark).
 */
export function parseAccountId(id: string): AccountRef {
  if (typeof id === 'string') {
    const first = id.indexOf(':');
    const last = id.lastIndexOf(':');
    if (first === last) {
      const fixed = FIXED.get(id);
      if (fixed) return fixed;
    } else {
      const kind = perMemberKind(id, first, last);
      const memberId = id.slice(first + 1, last);
      if (kind !== undefined && MEMBER_ID.test(memberId)) return { kind, memberId } as AccountRef;
    }
  }
  throw new MoneyError('LEDGER.INVALID_ACCOUNT', `not an account id of the scheme: ${String(id)}`);
}

/** The kind of `<owner>:...:<purpose>` when `id` before its first colon and after its last one names a per-member account. */
function perMemberKind(id: string, first: number, last: number): AccountKind | undefined {
  for (const { owner, purpose, kind } of PER_MEMBER) {
    if (first === owner.length && id.length - last - 1 === purpose.length && id.startsWith(owner) && id.endsWith(purpose)) return kind;
  }
  return undefined;
}

/** Whether the account's balance normally sits on the debit (positive) or credit (negative) side. */
export function normalBalance(ref: AccountRef): 'debit' | 'credit' {
  switch (ref.kind) {
    case 'rider-receivable':
    case 'payment-clearing':
    case 'payout-clearing':
    case 'coop-refunds':
      return 'debit';
    case 'driver-payable':
    case 'driver-tips-payable':
    case 'coop-commission':
    case 'coop-common-fund':
    case 'coop-reserve':
    case 'member-capital':
    case 'member-dividend-payable':
      return 'credit';
  }
}

/** The member an account belongs to, or undefined for co-op and clearing accounts (for statements). */
export function accountMember(ref: AccountRef): string | undefined {
  return 'memberId' in ref ? ref.memberId : undefined;
}
