/**
 * Payouts: which drivers are paid in a run, the ledger entry of each payout, and the payment
 * files (CSV and an ISO 20022 pain.001.001.09 customer credit transfer initiation).
 *
 * A driver's payable account is credit-normal (accounts.ts): what the co-op owes them is
 * minus its balance. A payout debits the payable by the amount paid and credits
 * `payouts:clearing`, where it stays until the bank confirms the transfer (the confirmation
 * entry, clearing against the bank account, is not modelled yet).
 */
import { accountId } from './accounts';
import { minorUnitExponent } from './currency';
import { MoneyError } from './errors';
import type { JournalTransaction } from './journal';
import { assertBalanced } from './journal';
import type { Money } from './money';
import { moneyToJson } from './money';

/** One driver's payable balance, as the ledger sums it (credit-normal: owed = -balance). */
export interface PayableBalance {
  driverId: string;
  /** The posted balance of `driver:<id>:payable` in minor units (negative when owed). */
  balance: bigint;
  currency: string;
}

/** One payout of a run. */
export interface PayoutLine {
  driverId: string;
  amount: Money;
}

/**
 * The drivers a run pays: every driver owed at least `minimumAmount` (minor units) is paid the
 * whole amount owed; smaller balances roll over to the next run. Sorted by driver id (plain
 * code-unit order) so the same balances always give the same batch and file.
 */
export function planPayouts(balances: readonly PayableBalance[], minimumAmount: bigint): PayoutLine[] {
  if (minimumAmount < 0n) throw new MoneyError('MONEY.INVALID_AMOUNT', 'the minimum payout must be >= 0');
  return balances
    .filter((b) => -b.balance > 0n && -b.balance >= minimumAmount)
    .map((b) => ({ driverId: b.driverId, amount: { amount: -b.balance, currency: b.currency } }))
    .sort((a, b) => (a.driverId < b.driverId ? -1 : a.driverId > b.driverId ? 1 : 0));
}

/** The ledger entry of one payout: debit the driver's payable, credit payouts clearing. */
export function postPayout(input: { id: string; runId: string; driverId: string; amount: Money; policyHash: string }): JournalTransaction {
  if (input.amount.amount <= 0n) throw new MoneyError('MONEY.INVALID_AMOUNT', 'a payout must be > 0');
  const tx: JournalTransaction = {
    id: input.id,
    kind: 'payout',
    metadata: { runId: input.runId, driverId: input.driverId, amount: moneyToJson(input.amount) as never, policyHash: input.policyHash },
    postings: [
      { accountId: accountId({ kind: 'driver-payable', memberId: input.driverId }), amount: input.amount },
      { accountId: accountId({ kind: 'payout-clearing' }), amount: { amount: -input.amount.amount, currency: input.amount.currency } },
    ],
  };
  assertBalanced(tx);
  return tx;
}

/** Minor units as a decimal amount of the currency, e.g. 12345 CAD -> "123.45" (ISO 4217 exponent). */
export function decimalAmount(m: Money): string {
  const exponent = minorUnitExponent(m.currency);
  if (exponent === undefined) throw new MoneyError('MONEY.INVALID_CURRENCY', `unknown currency ${m.currency}`);
  const negative = m.amount < 0n;
  const digits = (negative ? -m.amount : m.amount).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return negative ? `-${whole}` : whole;
}

/** The payout schedule of the policy (libs/policy PayoutPolicy), repeated here to keep money free of policy. */
export interface PayoutSchedule {
  schedule: 'weekly' | 'biweekly' | 'monthly';
  /** ISO weekday (1 = Monday) for weekly and biweekly runs; day of month for monthly. */
  day: number;
  hourUtc: number;
}

const DAY_MS = 86_400_000;
/** Monday 1970-01-05, the first Monday after the Unix epoch, in days since the epoch. */
const FIRST_MONDAY = 4;

/** Whole weeks since Monday 1970-01-05 (the biweekly rhythm, unbroken by ISO years of 53 weeks). */
function weeksSinceFirstMonday(at: Date): number {
  return Math.floor((Math.floor(at.getTime() / DAY_MS) - FIRST_MONDAY) / 7);
}

/**
 * Whether the hour starting at `at` (UTC) is a scheduled payout hour: weekly on the ISO
 * weekday, biweekly on that weekday of even weeks counted from Monday 1970-01-05, monthly
 * on the day of the month.
 */
export function isPayoutSlot(s: PayoutSchedule, at: Date): boolean {
  if (at.getUTCHours() !== s.hourUtc) return false;
  if (s.schedule === 'monthly') return at.getUTCDate() === s.day;
  const weekday = at.getUTCDay() === 0 ? 7 : at.getUTCDay();
  if (weekday !== s.day) return false;
  return s.schedule === 'weekly' || weeksSinceFirstMonday(at) % 2 === 0;
}
