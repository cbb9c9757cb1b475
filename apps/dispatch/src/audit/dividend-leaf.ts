/**
 * The year-end patronage dividend as a transparency-log leaf: the whole allocation, inputs and
 * results, so any member can recompute it with @coop/money's allocatePatronage.
 *
 * Members are pseudonymized (their patronage is their income from the co-op, which the
 * public view does not reveal by member id): HMAC-SHA256 of the member id under a key derived
 * from the audit's secret pseudonym key of the year, so these pseudonyms link to nothing else
 * in the log (not even to decision pseudonyms under a yearly rotation). Members are listed in
 * code-unit order of their member ids, which is the allocation's tie-break order: position in
 * the list stands in for the id when recomputing.
 *
 * Pure: no framework, database or clock.
 */
import { createHmac } from 'node:crypto';
import { allocatePatronage } from '@coop/money';
import { LEAF_SCHEMA } from './log-leaf';

export const DIVIDEND_LEAF_KIND = 'dividend_allocation';

/** One member's line: pseudonym, patronage (in the basis's unit) and the amounts in minor units. */
export interface DividendLeafMember {
  member: string;
  patronage: number;
  allocation: number;
  cash: number;
  retained: number;
}

/** The record of a dividend leaf. Amounts are integer minor units of `currency`. */
export interface DividendAllocationRecord {
  year: number;
  from: string;
  to: string;
  currency: string;
  basis: string;
  policyVersion: number;
  policyHash: string;
  revenue: number;
  expenses: number;
  surplus: number;
  reserveBasisPoints: number;
  cashBasisPoints: number;
  reserve: number;
  allocated: number;
  rule: string;
  /** The ledger entry that booked it (`dividend:<year>`), null when nothing was allocated. */
  transactionId: string | null;
  /** In code-unit order of member id (the tie-break order). */
  members: DividendLeafMember[];
}

export interface DividendAllocationLeaf {
  schema: typeof LEAF_SCHEMA;
  kind: typeof DIVIDEND_LEAF_KIND;
  record: DividendAllocationRecord;
}

/** The pseudonym key of dividend leaves, derived from the audit's key of the year's pseudonym period. */
export function dividendPseudonymKey(yearKey: Uint8Array): Buffer {
  return createHmac('sha256', yearKey).update(DIVIDEND_LEAF_KIND, 'utf8').digest();
}

/** A member's pseudonym in a dividend leaf: "d-" and 20 base64url characters (120 bits). */
export function dividendPseudonym(key: Uint8Array, memberId: string): string {
  return `d-${createHmac('sha256', key).update(memberId, 'utf8').digest().subarray(0, 15).toString('base64url')}`;
}

/** A stored allocation (apps/payouts StoredAllocation) in leaf form. */
export function dividendLeaf(
  allocation: Omit<DividendAllocationRecord, 'members' | 'transactionId'> & { members: Array<{ memberId: string } & Omit<DividendLeafMember, 'member'>> },
  transactionId: string | null,
  pseudonymOf: (memberId: string) => string,
): DividendAllocationLeaf {
  const { members, ...inputs } = allocation;
  const ordered = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  return {
    schema: LEAF_SCHEMA,
    kind: DIVIDEND_LEAF_KIND,
    record: {
      year: inputs.year, from: inputs.from, to: inputs.to, currency: inputs.currency, basis: inputs.basis,
      policyVersion: inputs.policyVersion, policyHash: inputs.policyHash,
      revenue: inputs.revenue, expenses: inputs.expenses, surplus: inputs.surplus,
      reserveBasisPoints: inputs.reserveBasisPoints, cashBasisPoints: inputs.cashBasisPoints,
      reserve: inputs.reserve, allocated: inputs.allocated, rule: inputs.rule, transactionId,
      members: ordered.map((m) => ({ member: pseudonymOf(m.memberId), patronage: m.patronage, allocation: m.allocation, cash: m.cash, retained: m.retained })),
    },
  };
}

/**
 * Recomputes a dividend leaf's results from its inputs (surplus = revenue - expenses, at least
 * 0; then allocatePatronage with list positions as tie-break keys) and lists every figure
 * that differs; empty when the leaf is right.
 */
export function dividendRecomputationFailures(record: DividendAllocationRecord): string[] {
  const failures: string[] = [];
  const surplus = Math.max(0, record.revenue - record.expenses);
  if (surplus !== record.surplus) failures.push(`surplus: revenue - expenses is ${surplus}, the leaf says ${record.surplus}`);
  // Fixed-width positions sort like the ids they stand for.
  const width = String(record.members.length).length;
  const result = allocatePatronage({
    surplus: { amount: BigInt(record.surplus), currency: record.currency },
    reserveBasisPoints: record.reserveBasisPoints,
    cashBasisPoints: record.cashBasisPoints,
    members: record.members.map((m, i) => ({ memberId: String(i).padStart(width, '0'), patronage: BigInt(m.patronage) })),
  });
  if (Number(result.reserve.amount) !== record.reserve) failures.push(`reserve: recomputed ${result.reserve.amount}, the leaf says ${record.reserve}`);
  if (Number(result.allocated.amount) !== record.allocated) failures.push(`allocated: recomputed ${result.allocated.amount}, the leaf says ${record.allocated}`);
  result.members.forEach((r, i) => {
    const m = record.members[i]!;
    for (const [name, value] of [['allocation', r.allocation.amount], ['cash', r.cash.amount], ['retained', r.retained.amount]] as const) {
      if (Number(value) !== m[name]) failures.push(`member ${i} (${m.member}) ${name}: recomputed ${value}, the leaf says ${m[name]}`);
    }
  });
  return failures;
}
