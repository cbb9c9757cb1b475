/**
 * The year-end patronage dividend as a journal entry. The surplus comes off the co-op's
 * commission (its revenue account): the reserve share goes to the indivisible reserve, each
 * member's allocation to their dividend payable (cash share) and capital account (retained
 * share), exactly as allocatePatronage split it. Zero parts are left out.
 */
import { accountId } from './accounts';
import type { PatronageAllocation } from './allocation';
import type { JournalTransaction, Posting } from './journal';
import { assertBalanced } from './journal';
import type { Money } from './money';

function credit(account: string, m: Money): Posting {
  return { accountId: account, amount: { amount: -m.amount, currency: m.currency } };
}

/** The dividend entry of a period (null when there is no surplus to allocate). */
export function postDividend(input: { id: string; year: number; allocation: PatronageAllocation; policyHash: string }): JournalTransaction | null {
  const { allocation } = input;
  const surplus: Money = { amount: allocation.reserve.amount + allocation.allocated.amount, currency: allocation.reserve.currency };
  if (surplus.amount === 0n) return null;
  const postings: Posting[] = [
    { accountId: accountId({ kind: 'coop-commission' }), amount: surplus },
    credit(accountId({ kind: 'coop-reserve' }), allocation.reserve),
    ...allocation.members.flatMap((m) => [
      credit(accountId({ kind: 'member-dividend-payable', memberId: m.memberId }), m.cash),
      credit(accountId({ kind: 'member-capital', memberId: m.memberId }), m.retained),
    ]),
  ].filter((p) => p.amount.amount !== 0n);
  const tx: JournalTransaction = { id: input.id, kind: 'dividend', metadata: { year: input.year, policyHash: input.policyHash }, postings };
  assertBalanced(tx);
  return tx;
}
