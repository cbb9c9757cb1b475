import { Injectable } from '@nestjs/common';
import { PatronageAllocation, allocatePatronage, isMoneyError, postDividend } from '@coop/money';
import { DomainError } from '@coop/platform';
import { PayoutJournal } from '../payouts/payout.ports';
import { DividendsRepository, PeriodRow, StoredAllocation } from './dividends.repository';

const RULE =
  'surplus = revenue (commission + common fund - refunds, posted in the period) - expenses entered, at least 0; reserve = ' +
  'surplus x reserveBasisPoints / 10000 rounded half to even; the rest allocated in proportion to patronage by largest ' +
  'remainder, equal remainders to the smaller member id (code-unit order); cash = ceil(allocation x cashBasisPoints / 10000), ' +
  'retained = allocation - cash (to the member capital account)';

const toNumber = (v: bigint): number => {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('amount beyond the safe integer range');
  return Number(v);
};

/**
 * Year-end patronage dividends: expenses while the period is open, then the close computes
 * the surplus from the ledger, allocates it by the policy in force (basis, reserve and cash
 * shares), stores the allocation, posts one balanced `dividend:<year>` entry and closes.
 * Once closed, the audit log's checkpoint tick (apps/dispatch/src/audit/dividend-allocation.log.ts)
 * appends the whole allocation, members pseudonymized, as a transparency-log leaf.
 */
@Injectable()
export class DividendsService {
  constructor(
    private readonly periods: DividendsRepository,
    private readonly journal: PayoutJournal,
  ) {}

  async addExpense(year: number, description: string, amount: { amount: number; currency: string }, by: string) {
    const currency = (await this.periods.policyInForce()).document.fares.currency;
    if (amount.currency !== currency) {
      throw new DomainError('VALIDATION_FAILED', `expenses are in ${currency}`, [{ path: 'amount.currency', message: `must be ${currency}` }]);
    }
    return { id: await this.periods.addExpense(year, description, amount.amount, currency, by) };
  }

  async view(year: number) {
    const period = await this.periods.period(year);
    if (!period) throw new DomainError('DIVIDEND_PERIOD_NOT_FOUND');
    return { ...period, expenses: await this.periods.expenses(year) };
  }

  /** Closes the year (idempotent; a close interrupted after storing the allocation is finished with the same figures). */
  async close(year: number, by: string, nowMs: number) {
    let period = (await this.periods.period(year, true))!;
    if (period.status === 'open') period = await this.compute(year, by, nowMs);
    if (period.status === 'closing') {
      const tx = postDividend({ id: `dividend:${year}`, year, allocation: fromStored(period.allocation!), policyHash: period.allocation!.policyHash });
      if (tx) await this.journal.post(tx);
      await this.periods.markClosed(year, tx?.id ?? null);
    }
    return this.view(year);
  }

  /** A member's own allocation with the inputs it came from. */
  async statement(year: number, memberId: string) {
    const period = await this.periods.period(year);
    if (!period || period.status === 'open') throw new DomainError('DIVIDEND_PERIOD_NOT_FOUND', 'this year is not closed yet');
    const { members, ...inputs } = period.allocation!;
    const mine = members.find((m) => m.memberId === memberId) ?? { memberId, patronage: 0, allocation: 0, cash: 0, retained: 0 };
    const totalPatronage = members.reduce((s, m) => s + m.patronage, 0);
    // The log leaf lists members in code-unit order of member id (apps/dispatch/src/audit/dividend-leaf.ts).
    const position = members.filter((m) => m.memberId < memberId).length;
    const logPosition = members.some((m) => m.memberId === memberId) ? position : null;
    return { ...inputs, totalPatronage, patrons: members.length, member: mine, logPosition };
  }

  private async compute(year: number, by: string, nowMs: number): Promise<PeriodRow> {
    const policy = await this.periods.policyInForce();
    const { dividends, fares, governance } = policy.document;
    const from = new Date(Date.UTC(year, 0, 1));
    const to = new Date(Math.min(nowMs, Date.UTC(year + 1, 0, 1)));
    const revenue = await this.periods.revenue(from, to, fares.currency);
    const expenses = await this.periods.expenseTotal(year, fares.currency);
    const surplus = revenue > expenses ? revenue - expenses : 0n;
    const patrons = await this.periods.patronage(dividends.basis, from, to, governance.membershipClasses);
    let allocation: PatronageAllocation;
    try {
      allocation = allocatePatronage({
        surplus: { amount: surplus, currency: fares.currency },
        reserveBasisPoints: dividends.reserveBasisPoints,
        cashBasisPoints: dividends.cashBasisPoints,
        members: patrons,
      });
    } catch (error) {
      if (isMoneyError(error, 'ALLOCATION.INVALID_INPUT') && patrons.length === 0) throw new DomainError('DIVIDEND_NO_PATRONS');
      throw error;
    }
    const stored: StoredAllocation = {
      year, from: from.toISOString(), to: to.toISOString(), currency: fares.currency, basis: dividends.basis,
      policyVersion: policy.version, policyHash: policy.hash,
      revenue: toNumber(revenue), expenses: toNumber(expenses), surplus: toNumber(surplus),
      reserveBasisPoints: dividends.reserveBasisPoints, cashBasisPoints: dividends.cashBasisPoints,
      reserve: toNumber(allocation.reserve.amount), allocated: toNumber(allocation.allocated.amount), rule: RULE,
      members: allocation.members.map((m) => ({
        memberId: m.memberId, patronage: toNumber(m.patronage), allocation: toNumber(m.allocation.amount), cash: toNumber(m.cash.amount), retained: toNumber(m.retained.amount),
      })),
    };
    return this.periods.storeClosing(year, stored, policy, by);
  }
}

/** The stored allocation back in Money terms, for posting. */
function fromStored(a: StoredAllocation): PatronageAllocation {
  const m = (amount: number) => ({ amount: BigInt(amount), currency: a.currency });
  return {
    reserve: m(a.reserve),
    allocated: m(a.allocated),
    members: a.members.map((x) => ({ memberId: x.memberId, patronage: BigInt(x.patronage), allocation: m(x.allocation), cash: m(x.cash), retained: m(x.retained) })),
  };
}
