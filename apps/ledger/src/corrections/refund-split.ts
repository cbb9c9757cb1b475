/**
 * Pure: how a refund of part of an entry is shared among the entry's credit lines (the
 * driver's earnings, the co-op's commission, the common fund), so that the parts sum to the
 * refund exactly, no part is negative, and any number of partial refunds together never take
 * more from a line than the entry gave it, and exactly what it gave it once all is refunded.
 *
 * The rule works on the cumulative amount refunded, R:
 * - the shares are taken in a stated order (the co-op's accounts first, the member's last);
 * - each share in turn gets round-half-even(left × share / shares left), where `left` is what
 *   remains of R after the shares before it and `shares left` is the sum of this share and
 *   the ones after it; the last share gets what remains (the driver, as in the fare split);
 * - one refund's parts are the cumulative parts after it minus those before it.
 * Each step is a two-way split of a non-decreasing amount with a ratio <= 1, and
 * round-half-even(x × k) and x - round-half-even(x × k) both never decrease as x grows by
 * one when k <= 1; so every cumulative part is non-decreasing in R, and each refund's part
 * is >= 0. At R = the whole entry each ratio is exact, so each part is exactly the share.
 */
import { divRound } from '@coop/money';

/**
 * The cumulative parts of `refunded` (0 <= refunded <= sum of shares) over `shares` (each >= 0,
 * in the stated order), by the rule above.
 */
export function cumulativeParts(shares: readonly bigint[], refunded: bigint): bigint[] {
  let sharesLeft = shares.reduce((s, x) => s + x, 0n);
  if (refunded < 0n || refunded > sharesLeft) throw new RangeError(`refunded ${refunded} is outside 0..${sharesLeft}`);
  let left = refunded;
  return shares.map((share, i) => {
    const part = i === shares.length - 1 || sharesLeft === 0n ? left : divRound(left * share, sharesLeft, 'half-even');
    left -= part;
    sharesLeft -= share;
    return part;
  });
}

/** One refund's parts: `amount` refunded after `before` had been refunded already. Sums to `amount`. */
export function refundParts(shares: readonly bigint[], before: bigint, amount: bigint): bigint[] {
  const after = cumulativeParts(shares, before + amount);
  const earlier = cumulativeParts(shares, before);
  return after.map((x, i) => x - earlier[i]!);
}
