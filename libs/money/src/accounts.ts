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

const FIXED: Record<string, AccountRef> = {
  'payments:clearing': { kind: 'payment-clearing' },
  'payouts:clearing': { kind: 'payout-clearing' },
  'coop:commission': { kind: 'coop-commission' },
  'coop:common-fund': { kind: 'coop-common-fund' },
  'coop:refunds': { kind: 'coop-refunds' },
  'coop:reserve': { kind: 'coop-reserve' },
};

const PER_MEMBER: Record<string, AccountKind> = {
  'rider:receivable': 'rider-receivable',
  'driver:payable': 'driver-payable',
  'driver:tips-payable': 'driver-tips-payable',
  'member:capital': 'member-capital',
  'member:dividend-payable': 'member-dividend-payable',
};

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

/** Parses an account id string; throws LEDGER.INVALID_ACCOUNT for anything outside the scheme. */
export function parseAccountId(id: string): AccountRef {
  const fixed = FIXED[id];
  if (fixed) return fixed;
  const parts = typeof id === 'string' ? id.split(':') : [];
  if (parts.length === 3) {
    const [owner, memberId, purpose] = parts as [string, string, string];
    const kind = PER_MEMBER[`${owner}:${purpose}`];
    if (kind && MEMBER_ID.test(memberId)) return { kind, memberId } as AccountRef;
  }
  throw new MoneyError('LEDGER.INVALID_ACCOUNT', `not an account id of the scheme: ${String(id)}`);
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
