/**
 * Integer allocation of money in proportion to weights, and the patronage dividend.
 *
 * Largest remainder (Hamilton's method): each part first gets the floor of its exact share
 * total x w_i / W; the units left over (fewer than the number of parts) go one each to the
 * parts with the largest remainders. Tie-break, stated once: equal remainders go to the
 * smaller tie-break key (plain code-unit string order) when keys are given, then to the lower
 * index. The parts sum exactly to the total and each is within one minor unit of its exact
 * share (it is the floor or the ceiling of it).
 */
import { MoneyError } from './errors';
import type { Money } from './money';
import { BASIS_POINTS_PER_UNIT, divRound, percentOf, sub, toBasisPoints } from './money';

function invalid(message: string): never {
  throw new MoneyError('ALLOCATION.INVALID_INPUT', message);
}

/**
 * Splits `total` (>= 0 minor units) in proportion to `weights` (>= 0, not all zero unless the
 * total is zero) by largest remainder; ties go to the smaller `tieBreakKeys[i]`, then the lower index.
 */
export function allocateLargestRemainder(
  total: bigint,
  weights: readonly bigint[],
  options: { tieBreakKeys?: readonly string[] } = {},
): bigint[] {
  if (total < 0n) invalid('total must be >= 0');
  if (weights.length === 0) invalid('at least one weight is needed');
  const keys = options.tieBreakKeys;
  if (keys !== undefined && keys.length !== weights.length) invalid('one tie-break key per weight');
  let W = 0n;
  for (const w of weights) {
    if (typeof w !== 'bigint' || w < 0n) invalid('weights must be bigint >= 0');
    W += w;
  }
  if (W === 0n) {
    if (total === 0n) return weights.map(() => 0n);
    invalid('all weights are zero but the total is not');
  }
  const parts = weights.map((w) => (total * w) / W);
  const remainders = weights.map((w) => (total * w) % W);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((_, i) => i)
    .sort((i, j) => {
      const ri = remainders[i]!;
      const rj = remainders[j]!;
      if (ri !== rj) return ri > rj ? -1 : 1;
      if (keys !== undefined && keys[i] !== keys[j]) return keys[i]! < keys[j]! ? -1 : 1;
      return i - j;
    });
  for (const i of order) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts;
}

/** allocateLargestRemainder on Money: the parts keep the total's currency. */
export function allocateMoney(total: Money, weights: readonly bigint[], options: { tieBreakKeys?: readonly string[] } = {}): Money[] {
  return allocateLargestRemainder(total.amount, weights, options).map((amount) => ({ amount, currency: total.currency }));
}

/** The smallest cash share of a patronage dividend: 20% (IRC §1388(c)(1), US Subchapter T). */
export const MIN_CASH_BASIS_POINTS = 2000;

/** Input of a patronage dividend allocation. */
export interface PatronageInput {
  /** The surplus the members decided to allocate (>= 0). */
  surplus: Money;
  /** Share kept as an unallocated reserve, in basis points; rounded half to even. */
  reserveBasisPoints: number;
  /** Share of each member's allocation paid in cash, >= 2000 bp; rounded up (ceiling). */
  cashBasisPoints: number;
  /** Each member's patronage (business done with the co-op, e.g. fares driven, in minor units). */
  members: readonly { memberId: string; patronage: bigint }[];
}

/** One member's dividend: allocation = cash + retained. */
export interface MemberDividend {
  memberId: string;
  patronage: bigint;
  allocation: Money;
  /** Paid now; >= cashBasisPoints of the allocation (ceiling). */
  cash: Money;
  /** Retained patronage (a written notice of allocation), redeemed later. */
  retained: Money;
}

/** The result: reserve + sum of allocations = surplus, exactly. */
export interface PatronageAllocation {
  reserve: Money;
  /** The surplus less the reserve, all of it allocated to members. */
  allocated: Money;
  /** In input order. */
  members: MemberDividend[];
}

/**
 * Patronage dividend: the reserve share comes off first (half to even), the rest is allocated
 * in proportion to patronage by largest remainder (ties to the smaller member id), and each
 * allocation is split into cash = ceil(allocation x cash bp) and retained = the rest. The
 * ceiling keeps the cash share at or above the stated percentage, which must be at least 20%
 * so the retained part is a qualified written notice of allocation under IRC §1388(c)(1)
 * (26 U.S.C. 1388, Subchapter T). Other jurisdictions' rules are the policy's business.
 */
export function allocatePatronage(input: PatronageInput): PatronageAllocation {
  const { surplus } = input;
  if (surplus.amount < 0n) invalid('surplus must be >= 0; a loss is not allocated as a dividend');
  const reserveBp = toBasisPoints(input.reserveBasisPoints);
  const cashBp = toBasisPoints(input.cashBasisPoints);
  if (reserveBp > BASIS_POINTS_PER_UNIT) invalid('reserve share must be <= 10000 bp');
  if (cashBp < BigInt(MIN_CASH_BASIS_POINTS) || cashBp > BASIS_POINTS_PER_UNIT) {
    invalid(`cash share must be between ${MIN_CASH_BASIS_POINTS} and 10000 bp (IRC §1388(c)(1))`);
  }
  const ids = input.members.map((m) => m.memberId);
  if (new Set(ids).size !== ids.length) invalid('member ids must be unique');
  const reserve = percentOf(surplus, reserveBp);
  const allocated = sub(surplus, reserve);
  const shares =
    input.members.length === 0
      ? allocated.amount === 0n
        ? []
        : invalid('no members to allocate to')
      : allocateMoney(allocated, input.members.map((m) => m.patronage), { tieBreakKeys: ids });
  const members = input.members.map((m, i): MemberDividend => {
    const allocation = shares[i]!;
    const cash: Money = { amount: divRound(allocation.amount * cashBp, BASIS_POINTS_PER_UNIT, 'ceil'), currency: surplus.currency };
    return { memberId: m.memberId, patronage: m.patronage, allocation, cash, retained: sub(allocation, cash) };
  });
  return { reserve, allocated, members };
}
