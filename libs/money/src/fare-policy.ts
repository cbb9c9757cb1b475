/**
 * The fare part of the co-op's policy document: the fare table, commission, final-fare rule,
 * cancellation and tip rules. Plain JSON (amounts are integer minor units as numbers, rates
 * in basis points) because the policy document is hashed as canonical JSON (RFC 8785);
 * amounts become bigint only when a fare is computed.
 */
import { z } from 'zod';
import { isCurrencyCode } from './currency';
import { MoneyError } from './errors';

/** Kinds of job the co-op dispatches (API.md `POST /v1/quotes` `kind`). */
export const JOB_KINDS = ['ride', 'delivery'] as const;
/** A kind of job. */
export type JobKind = (typeof JOB_KINDS)[number];

/** Vehicle kinds a driver can go online with (API.md `driver:online`). */
export const VEHICLE_KINDS = ['car', 'bike', 'cargo_bike', 'van'] as const;
/** A kind of vehicle. */
export type VehicleKind = (typeof VEHICLE_KINDS)[number];

/** Prices for one (job kind, vehicle kind) service, in integer minor units of the policy currency. */
export interface RateCard {
  /** Flat start of the metered fare. */
  baseFare: number;
  /** Per kilometre driven (metered; prorated per metre). */
  perKm: number;
  /** Per minute of trip time (metered; prorated per second). */
  perMinute: number;
  /** Floor for the metered subtotal (base + distance + time); fees are added on top. */
  minimumFare: number;
  /** Flat fee per job, added after the minimum; goes through the commission split like the rest. */
  bookingFee: number;
  /** Flat fee for deliveries by this vehicle kind (0 for rides). */
  deliveryFee: number;
  /** Fee charged when the rider cancels after the grace period following a match. */
  cancellationFee: number;
}

/**
 * A fixed time-of-day multiplier on the metered parts, for hours [fromHour, toHour) in the
 * region's local time; a band with fromHour > toHour wraps past midnight. This is a table the
 * members vote on, not demand-based surge: there is no surge unless a vote adds a band.
 */
export interface TimeOfDayBand {
  fromHour: number;
  toHour: number;
  /** 10000 = x1.00; below 10000 is an off-peak discount. */
  multiplierBasisPoints: number;
}

/** The fare policy: every number the members vote on for pricing and the commission split. */
export interface FarePolicy {
  /** ISO 4217 currency of every amount in this policy. */
  currency: string;
  /** Rate card per job kind and vehicle kind; null means the service is not offered. */
  rates: Record<JobKind, Record<VehicleKind, RateCard | null>>;
  /** Optional time-of-day multipliers; empty means none (x1.00 at all hours). */
  timeOfDay: TimeOfDayBand[];
  /** Co-op commission on the fare, in basis points (1000 = 10%). */
  commissionBasisPoints: number;
  /** Share of the fare paid into the members' common fund, in basis points (0 = no fund). */
  commonFundBasisPoints: number;
  /** Rule for the final fare against the upfront quote (see fares.ts finalFare). */
  finalFare: {
    /** The final fare may exceed the quote by at most this many basis points unless the route changed. */
    maxOverrunBasisPoints: number;
  };
  /** Cancellation rule. */
  cancellation: {
    /** A rider may cancel free of charge for this many seconds after the match. */
    graceSeconds: number;
    /** Whether the commission is taken from cancellation fees (false: the driver gets all of it). */
    commissionApplies: boolean;
  };
  /** Tip limits. Tips go to the driver in full; no commission is taken from them. */
  tips: {
    /** Largest single tip, in minor units. */
    maxAmount: number;
    /** Largest tip as a share of the final fare in basis points; null for no such limit. */
    maxBasisPointsOfFare: number | null;
    /** Tips are accepted for this many seconds after completion. */
    windowSeconds: number;
  };
}

const amount = z.int().nonnegative();
const basisPoints = z.int().nonnegative();

const rateCardSchema = z.strictObject({
  baseFare: amount,
  perKm: amount,
  perMinute: amount,
  minimumFare: amount,
  bookingFee: amount,
  deliveryFee: amount,
  cancellationFee: amount,
});

const vehicleRates = z.strictObject({
  car: rateCardSchema.nullable(),
  bike: rateCardSchema.nullable(),
  cargo_bike: rateCardSchema.nullable(),
  van: rateCardSchema.nullable(),
});

const bandSchema = z.strictObject({
  fromHour: z.int().min(0).max(23),
  toHour: z.int().min(0).max(24),
  multiplierBasisPoints: z.int().min(1).max(50_000),
});

/** Hours 0..23 covered by a band. */
export function bandHours(band: TimeOfDayBand): number[] {
  const hours: number[] = [];
  for (let h = 0; h < 24; h++) if (bandCovers(band, h)) hours.push(h);
  return hours;
}

/** True when the band covers local hour `hour` (0..23). */
export function bandCovers(band: TimeOfDayBand, hour: number): boolean {
  return band.fromHour < band.toHour
    ? hour >= band.fromHour && hour < band.toHour
    : hour >= band.fromHour || hour < band.toHour;
}

/** zod schema of the fare policy JSON, for composing into the whole policy document's schema. */
export const farePolicySchema = z
  .strictObject({
    currency: z.string().refine(isCurrencyCode, 'not an accepted ISO 4217 code'),
    rates: z.strictObject({ ride: vehicleRates, delivery: vehicleRates }),
    timeOfDay: z.array(bandSchema),
    commissionBasisPoints: basisPoints.max(10_000),
    commonFundBasisPoints: basisPoints.max(10_000),
    finalFare: z.strictObject({ maxOverrunBasisPoints: basisPoints.max(100_000) }),
    cancellation: z.strictObject({ graceSeconds: z.int().nonnegative(), commissionApplies: z.boolean() }),
    tips: z.strictObject({
      maxAmount: amount,
      maxBasisPointsOfFare: basisPoints.nullable(),
      windowSeconds: z.int().nonnegative(),
    }),
  })
  .superRefine((p, ctx) => {
    if (p.commissionBasisPoints + p.commonFundBasisPoints > 10_000) {
      ctx.addIssue({ code: 'custom', message: 'commission + common fund must not exceed 10000 bp', path: ['commissionBasisPoints'] });
    }
    const covered = new Set<number>();
    p.timeOfDay.forEach((band, i) => {
      if (band.fromHour === band.toHour) {
        ctx.addIssue({ code: 'custom', message: 'empty band: fromHour equals toHour', path: ['timeOfDay', i] });
      }
      for (const h of bandHours(band)) {
        if (covered.has(h)) ctx.addIssue({ code: 'custom', message: `bands overlap at hour ${h}`, path: ['timeOfDay', i] });
        covered.add(h);
      }
    });
    const offered = JOB_KINDS.some((j) => VEHICLE_KINDS.some((v) => p.rates[j][v] !== null));
    if (!offered) ctx.addIssue({ code: 'custom', message: 'no service is offered', path: ['rates'] });
  });

/** Validates untrusted JSON as a FarePolicy; throws FARE.INVALID_POLICY listing every issue. */
export function parseFarePolicy(value: unknown): FarePolicy {
  const result = farePolicySchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new MoneyError('FARE.INVALID_POLICY', `invalid fare policy: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return result.data;
}

/**
 * The starting policy (CAD cents) until the members vote another: 10% commission, no common
 * fund, no time-of-day table, final fare at most 20% over the quote, 2 minutes free
 * cancellation, tips up to CAD 100 for 7 days. Rides by car and van; deliveries by any vehicle.
 */
export const defaultFarePolicy: FarePolicy = deepFreeze({
  currency: 'CAD',
  rates: {
    ride: {
      car: { baseFare: 300, perKm: 95, perMinute: 30, minimumFare: 700, bookingFee: 150, deliveryFee: 0, cancellationFee: 500 },
      bike: null,
      cargo_bike: null,
      van: { baseFare: 400, perKm: 120, perMinute: 35, minimumFare: 900, bookingFee: 150, deliveryFee: 0, cancellationFee: 500 },
    },
    delivery: {
      car: { baseFare: 300, perKm: 80, perMinute: 25, minimumFare: 700, bookingFee: 100, deliveryFee: 250, cancellationFee: 400 },
      bike: { baseFare: 200, perKm: 60, perMinute: 20, minimumFare: 500, bookingFee: 100, deliveryFee: 200, cancellationFee: 300 },
      cargo_bike: { baseFare: 250, perKm: 70, perMinute: 22, minimumFare: 600, bookingFee: 100, deliveryFee: 300, cancellationFee: 300 },
      van: { baseFare: 500, perKm: 110, perMinute: 30, minimumFare: 1200, bookingFee: 100, deliveryFee: 500, cancellationFee: 500 },
    },
  },
  timeOfDay: [],
  commissionBasisPoints: 1000,
  commonFundBasisPoints: 0,
  finalFare: { maxOverrunBasisPoints: 2000 },
  cancellation: { graceSeconds: 120, commissionApplies: false },
  tips: { maxAmount: 10_000, maxBasisPointsOfFare: null, windowSeconds: 7 * 24 * 3600 },
});

/** The rate card for a service; throws FARE.SERVICE_NOT_OFFERED when the policy has none. */
export function rateCard(policy: FarePolicy, jobKind: JobKind, vehicleKind: VehicleKind): RateCard {
  const card = policy.rates[jobKind]?.[vehicleKind];
  if (!card) {
    throw new MoneyError('FARE.SERVICE_NOT_OFFERED', `no ${jobKind} service by ${vehicleKind} in this policy`, { jobKind, vehicleKind });
  }
  return card;
}

/** The multiplier in force at local hour `hour` (0..23): the covering band's, else 10000. */
export function timeOfDayMultiplier(policy: FarePolicy, hour: number): number {
  return policy.timeOfDay.find((b) => bandCovers(b, hour))?.multiplierBasisPoints ?? 10_000;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
