/**
 * Fare computation from the policy's rate cards: the upfront quote, the final fare with its
 * cap rule, the commission split, and the cancellation fee. Every part is integer minor
 * units; each prorated part is rounded once, half to even (money.ts), and the total is the
 * exact sum of the parts, so the breakdown always adds up.
 */
import { MoneyError } from './errors';
import type { FarePolicy, JobKind, VehicleKind } from './fare-policy';
import { JOB_KINDS, VEHICLE_KINDS, rateCard, timeOfDayMultiplier } from './fare-policy';
import type { Money, MoneyJson } from './money';
import { BASIS_POINTS_PER_UNIT, add, divRound, money, moneyFromJson, moneyToJson, percentOf, sub, sumMoney, zero } from './money';

/** What a quote is computed from. Distances and durations are quantized to whole metres and seconds (half to even). */
export interface FareRequest {
  jobKind: JobKind;
  vehicleKind: VehicleKind;
  /** Route distance in metres (estimated for a quote). */
  distanceMeters: number;
  /** Trip time in seconds (estimated for a quote). */
  durationSeconds: number;
  /** Hour 0..23 in the region's local time at request; selects the time-of-day band. */
  localHour: number;
}

/** The itemized fare. Invariant: total = base + distance + time + minimumTopUp + bookingFee + deliveryFee. */
export interface FareBreakdown {
  jobKind: JobKind;
  vehicleKind: VehicleKind;
  distanceMeters: number;
  durationSeconds: number;
  /** The time-of-day multiplier applied to base, distance and time (10000 = none); locked at the quote. */
  timeOfDayBasisPoints: number;
  base: Money;
  distance: Money;
  time: Money;
  /** What lifts the metered subtotal to the rate card's minimum fare (0 when above it). */
  minimumTopUp: Money;
  bookingFee: Money;
  deliveryFee: Money;
  total: Money;
}

/** Why the final fare is what it is. */
export type FinalFareRule = 'metered' | 'capped' | 'route-changed';

/** The final fare. Invariant: total = the measured parts' sum - overrunWaived. */
export interface FinalFare extends FareBreakdown {
  /** The upfront quote's total the rider saw. */
  quoteTotal: Money;
  /** quote + maxOverrun%, or null when the route changed and no cap applies. */
  cap: Money | null;
  /** The part of the measured fare above the cap that the rider does not pay (>= 0). */
  overrunWaived: Money;
  rule: FinalFareRule;
}

/** The fare split: commission computed once, the common fund share, and the driver gets the remainder. */
export interface FareSplit {
  commission: Money;
  commonFund: Money;
  driver: Money;
}

/** Rounds a non-negative finite measure to a whole unit, half to even; throws FARE.INVALID_REQUEST otherwise. */
function wholeUnits(value: number, what: string): bigint {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
    throw new MoneyError('FARE.INVALID_REQUEST', `${what} must be a finite number >= 0: ${String(value)}`);
  }
  const floor = Math.floor(value);
  const frac = value - floor;
  const rounded = frac > 0.5 || (frac === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return BigInt(rounded);
}

function assertKinds(jobKind: unknown, vehicleKind: unknown): void {
  if (!JOB_KINDS.includes(jobKind as JobKind)) {
    throw new MoneyError('FARE.INVALID_REQUEST', `unknown job kind: ${String(jobKind)}`);
  }
  if (!VEHICLE_KINDS.includes(vehicleKind as VehicleKind)) {
    throw new MoneyError('FARE.INVALID_REQUEST', `unknown vehicle kind: ${String(vehicleKind)}`);
  }
}

function meter(
  policy: FarePolicy,
  jobKind: JobKind,
  vehicleKind: VehicleKind,
  distanceMeters: number,
  durationSeconds: number,
  multiplierBp: number,
): FareBreakdown {
  assertKinds(jobKind, vehicleKind);
  const card = rateCard(policy, jobKind, vehicleKind);
  const c = policy.currency;
  const meters = wholeUnits(distanceMeters, 'distanceMeters');
  const seconds = wholeUnits(durationSeconds, 'durationSeconds');
  const mult = BigInt(multiplierBp);
  // One rounding per part, on the exact rational value: perKm * m / 1000 * mult / 10000.
  const base = money(divRound(BigInt(card.baseFare) * mult, BASIS_POINTS_PER_UNIT), c);
  const distance = money(divRound(BigInt(card.perKm) * meters * mult, 1000n * BASIS_POINTS_PER_UNIT), c);
  const time = money(divRound(BigInt(card.perMinute) * seconds * mult, 60n * BASIS_POINTS_PER_UNIT), c);
  const metered = sumMoney(c, [base, distance, time]);
  const minimum = BigInt(card.minimumFare);
  const minimumTopUp = money(metered.amount < minimum ? minimum - metered.amount : 0n, c);
  const bookingFee = money(card.bookingFee, c);
  const deliveryFee = money(jobKind === 'delivery' ? card.deliveryFee : 0, c);
  const total = sumMoney(c, [metered, minimumTopUp, bookingFee, deliveryFee]);
  return {
    jobKind,
    vehicleKind,
    distanceMeters: Number(meters),
    durationSeconds: Number(seconds),
    timeOfDayBasisPoints: multiplierBp,
    base,
    distance,
    time,
    minimumTopUp,
    bookingFee,
    deliveryFee,
    total,
  };
}

/**
 * The upfront fare at request time from the estimated route. The time-of-day multiplier is
 * chosen from `localHour` here and locked into the quote: the final fare reuses it.
 */
export function quoteFare(policy: FarePolicy, request: FareRequest): FareBreakdown {
  if (!Number.isInteger(request.localHour) || request.localHour < 0 || request.localHour > 23) {
    throw new MoneyError('FARE.INVALID_REQUEST', `localHour must be an integer 0..23: ${String(request.localHour)}`);
  }
  return meter(
    policy,
    request.jobKind,
    request.vehicleKind,
    request.distanceMeters,
    request.durationSeconds,
    timeOfDayMultiplier(policy, request.localHour),
  );
}

/**
 * The most a same-route trip can cost: quote + maxOverrunBasisPoints of the quote (rounded
 * half to even). finalFare caps at it, and the ledger holds it on the rider's card at request.
 */
export function fareCap(policy: FarePolicy, quoteTotal: Money): Money {
  return add(quoteTotal, percentOf(quoteTotal, policy.finalFare.maxOverrunBasisPoints));
}

/**
 * The final fare at completion. Rule (documented in the README of this lib):
 * 1. Meter the measured distance and duration with the quote's rate card and its locked
 *    time-of-day multiplier.
 * 2. If the route changed (the rider added a stop or changed the destination), the metered
 *    fare is final, uncapped.
 * 3. Otherwise the rider pays the metered fare but never more than
 *    cap = quote + maxOverrunBasisPoints of the quote (rounded half to even); the excess is
 *    shown as `overrunWaived`. A shorter trip costs less than the quote: no floor.
 */
export function finalFare(
  policy: FarePolicy,
  quote: FareBreakdown,
  measured: { distanceMeters: number; durationSeconds: number },
  options: { routeChanged: boolean },
): FinalFare {
  if (quote.total.currency !== policy.currency) {
    throw new MoneyError('MONEY.CURRENCY_MISMATCH', `quote in ${quote.total.currency}, policy in ${policy.currency}`);
  }
  const metered = meter(
    policy,
    quote.jobKind,
    quote.vehicleKind,
    measured.distanceMeters,
    measured.durationSeconds,
    quote.timeOfDayBasisPoints,
  );
  const quoteTotal = quote.total;
  if (options.routeChanged) {
    return { ...metered, quoteTotal, cap: null, overrunWaived: zero(policy.currency), rule: 'route-changed' };
  }
  const cap = fareCap(policy, quoteTotal);
  if (metered.total.amount <= cap.amount) {
    return { ...metered, quoteTotal, cap, overrunWaived: zero(policy.currency), rule: 'metered' };
  }
  const overrunWaived = sub(metered.total, cap);
  return { ...metered, total: cap, quoteTotal, cap, overrunWaived, rule: 'capped' };
}

/** The signed parts whose sum is the breakdown's total (overrunWaived counts negative). */
export function fareParts(fare: FareBreakdown | FinalFare): Money[] {
  const parts = [fare.base, fare.distance, fare.time, fare.minimumTopUp, fare.bookingFee, fare.deliveryFee];
  if ('overrunWaived' in fare) parts.push({ amount: -fare.overrunWaived.amount, currency: fare.overrunWaived.currency });
  return parts;
}

/**
 * Splits a fare: commission = total x commission bp and deductions = total x (commission +
 * fund) bp, each rounded once half to even; the fund gets deductions - commission and the
 * driver the remainder. Rounding the combined deduction (not the fund alone) keeps every part
 * >= 0 and the three parts summing exactly to the total.
 */
export function splitFare(policy: FarePolicy, total: Money): FareSplit {
  if (total.amount < 0n) throw new MoneyError('MONEY.NEGATIVE_AMOUNT', 'a fare to split must be >= 0');
  const commission = percentOf(total, policy.commissionBasisPoints);
  const deductions = percentOf(total, policy.commissionBasisPoints + policy.commonFundBasisPoints);
  const commonFund = sub(deductions, commission);
  const driver = sub(total, deductions);
  return { commission, commonFund, driver };
}

/** Who ended the trip early. */
export type CancelledBy = 'rider' | 'driver' | 'system';

/** The cancellation fee and the reason it is or is not charged. */
export interface CancellationCharge {
  fee: Money;
  reason: 'charged' | 'not-matched' | 'within-grace' | 'not-rider';
}

/**
 * The cancellation fee: the rate card's fee when the rider cancels more than graceSeconds
 * after a match; nothing when the driver or the system cancels, when no driver was matched
 * yet (secondsSinceMatched null), or within the grace period (boundary inclusive: free).
 */
export function cancellationFee(
  policy: FarePolicy,
  input: { jobKind: JobKind; vehicleKind: VehicleKind; cancelledBy: CancelledBy; secondsSinceMatched: number | null },
): CancellationCharge {
  assertKinds(input.jobKind, input.vehicleKind);
  const card = rateCard(policy, input.jobKind, input.vehicleKind);
  const none = zero(policy.currency);
  if (input.cancelledBy !== 'rider') return { fee: none, reason: 'not-rider' };
  if (input.secondsSinceMatched === null) return { fee: none, reason: 'not-matched' };
  if (!Number.isFinite(input.secondsSinceMatched) || input.secondsSinceMatched < 0) {
    throw new MoneyError('FARE.INVALID_REQUEST', `secondsSinceMatched must be >= 0: ${input.secondsSinceMatched}`);
  }
  if (input.secondsSinceMatched <= policy.cancellation.graceSeconds) return { fee: none, reason: 'within-grace' };
  return { fee: money(card.cancellationFee, policy.currency), reason: 'charged' };
}

/** The split of a cancellation fee: commission only when the policy says so, else all to the driver. */
export function splitCancellationFee(policy: FarePolicy, fee: Money): FareSplit {
  if (policy.cancellation.commissionApplies) return splitFare(policy, fee);
  const none = zero(fee.currency);
  return { commission: none, commonFund: none, driver: fee };
}

/**
 * Validates a rider tip after completion: > 0, in the policy currency, at most tips.maxAmount,
 * at most maxBasisPointsOfFare of the final fare (compared exactly, no rounding), and within
 * windowSeconds of completion. Throws FARE.TIP_REJECTED with a `reason` detail.
 */
export function checkTip(
  policy: FarePolicy,
  input: { fareTotal: Money; tip: Money; secondsSinceCompletion: number },
): Money {
  const reject = (reason: string, message: string): never => {
    throw new MoneyError('FARE.TIP_REJECTED', message, { reason });
  };
  const { tip, fareTotal } = input;
  if (tip.currency !== policy.currency || fareTotal.currency !== policy.currency) {
    reject('currency', `tip must be in ${policy.currency}`);
  }
  if (tip.amount <= 0n) reject('not-positive', 'tip must be > 0');
  if (tip.amount > BigInt(policy.tips.maxAmount)) reject('above-max', `tip above ${policy.tips.maxAmount}`);
  const maxBp = policy.tips.maxBasisPointsOfFare;
  if (maxBp !== null && tip.amount * BASIS_POINTS_PER_UNIT > fareTotal.amount * BigInt(maxBp)) {
    reject('above-share-of-fare', `tip above ${maxBp} bp of the fare`);
  }
  const s = input.secondsSinceCompletion;
  if (!Number.isFinite(s) || s < 0) reject('timing', 'secondsSinceCompletion must be >= 0');
  if (s > policy.tips.windowSeconds) reject('window-closed', 'the tip window has closed');
  return tip;
}

/** JSON form of a breakdown: every Money as `{ amount: number, currency }` (API.md), other fields as is. */
export type FareBreakdownJson = { [K in keyof FareBreakdown]: FareBreakdown[K] extends Money ? MoneyJson : FareBreakdown[K] };

const MONEY_FIELDS = ['base', 'distance', 'time', 'minimumTopUp', 'bookingFee', 'deliveryFee', 'total'] as const;

/** Converts a breakdown (quote) to JSON for storage and the API. */
export function fareBreakdownToJson(fare: FareBreakdown): FareBreakdownJson {
  const out = {
    jobKind: fare.jobKind,
    vehicleKind: fare.vehicleKind,
    distanceMeters: fare.distanceMeters,
    durationSeconds: fare.durationSeconds,
    timeOfDayBasisPoints: fare.timeOfDayBasisPoints,
  } as FareBreakdownJson;
  for (const k of MONEY_FIELDS) out[k] = moneyToJson(fare[k]);
  return out;
}

/** Reads the breakdown fields of a stored fare, checking kinds, integers and one currency (no sum check). */
function breakdownFields(value: unknown): FareBreakdown {
  if (typeof value !== 'object' || value === null) throw new MoneyError('FARE.INVALID_REQUEST', 'fare must be an object');
  const v = value as Record<string, unknown>;
  assertKinds(v.jobKind, v.vehicleKind);
  for (const k of ['distanceMeters', 'durationSeconds', 'timeOfDayBasisPoints'] as const) {
    if (!Number.isSafeInteger(v[k]) || (v[k] as number) < 0) {
      throw new MoneyError('FARE.INVALID_REQUEST', `${k} must be a non-negative integer`);
    }
  }
  const fare = {
    jobKind: v.jobKind as JobKind,
    vehicleKind: v.vehicleKind as VehicleKind,
    distanceMeters: v.distanceMeters as number,
    durationSeconds: v.durationSeconds as number,
    timeOfDayBasisPoints: v.timeOfDayBasisPoints as number,
  } as FareBreakdown;
  for (const k of MONEY_FIELDS) fare[k] = moneyFromJson(v[k]);
  for (const k of MONEY_FIELDS) {
    if (fare[k].currency !== fare.total.currency) {
      throw new MoneyError('MONEY.CURRENCY_MISMATCH', `fare part ${k} is in ${fare[k].currency}, not ${fare.total.currency}`);
    }
  }
  return fare;
}

function assertPartsSum(fare: FareBreakdown | FinalFare): void {
  const parts = sumMoney(fare.total.currency, fareParts(fare));
  if (parts.amount !== fare.total.amount) {
    throw new MoneyError('FARE.INVALID_REQUEST', 'fare parts do not sum to the total');
  }
}

/** Parses a stored quote, checking kinds, integers, currencies and that the parts sum to the total. */
export function fareBreakdownFromJson(value: unknown): FareBreakdown {
  const fare = breakdownFields(value);
  assertPartsSum(fare);
  return fare;
}

const FINAL_FARE_RULES: readonly FinalFareRule[] = ['metered', 'capped', 'route-changed'];

/**
 * Parses a final fare received in an event (the JSON of moneyTreeToJson(finalFare(...))) and
 * checks it is one finalFare could have produced: parts (less overrunWaived) sum to the
 * total, one currency, and the rule agrees with the cap (metered: total <= cap, nothing
 * waived; capped: total = cap; route-changed: no cap, nothing waived).
 */
export function finalFareFromJson(value: unknown): FinalFare {
  const fare = breakdownFields(value);
  const v = value as Record<string, unknown>;
  const rule = v.rule as FinalFareRule;
  if (!FINAL_FARE_RULES.includes(rule)) throw new MoneyError('FARE.INVALID_REQUEST', `unknown final fare rule: ${String(v.rule)}`);
  const quoteTotal = moneyFromJson(v.quoteTotal);
  const cap = v.cap === null ? null : moneyFromJson(v.cap);
  const overrunWaived = moneyFromJson(v.overrunWaived);
  const c = fare.total.currency;
  if ([quoteTotal, cap ?? quoteTotal, overrunWaived].some((x) => x.currency !== c)) {
    throw new MoneyError('MONEY.CURRENCY_MISMATCH', `final fare amounts must all be in ${c}`);
  }
  const out: FinalFare = { ...fare, quoteTotal, cap, overrunWaived, rule };
  assertPartsSum(out);
  const consistent =
    overrunWaived.amount >= 0n &&
    (rule === 'route-changed'
      ? cap === null && overrunWaived.amount === 0n
      : cap !== null &&
        (rule === 'metered' ? overrunWaived.amount === 0n && fare.total.amount <= cap.amount : fare.total.amount === cap.amount && overrunWaived.amount > 0n));
  if (!consistent) throw new MoneyError('FARE.INVALID_REQUEST', `final fare does not follow its rule (${rule})`);
  return out;
}
