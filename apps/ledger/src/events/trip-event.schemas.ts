/**
 * The trip events the ledger consumes from the `trip-events` queue, validated with zod before
 * anything is posted: the outbox of dispatch writes them (apps/dispatch/src/trips/*.service.ts),
 * but a queue is an outside input all the same. Unknown extra fields are allowed (producers
 * may add fields); the ones the ledger relies on are checked here.
 */
import { z } from 'zod';

const moneySchema = z.strictObject({ amount: z.number().int().refine(Number.isSafeInteger), currency: z.string().regex(/^[A-Z]{3}$/) });
const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be an id usable in an account name');
const isoTime = z.string().datetime({ offset: true });

/** `trip.completed`: written when the driver completes the trip; carries the final fare. */
export const tripCompletedEventSchema = z.object({
  outboxId: z.union([z.string(), z.number()]),
  tripId: idSchema,
  riderId: idSchema,
  driverId: idSchema,
  policyHash: z.string().regex(/^[0-9a-f]{64}$/),
  fare: moneySchema,
  split: z.strictObject({ commission: moneySchema, commonFund: moneySchema, driver: moneySchema }).optional(),
  /** The whole final fare (fares.ts FinalFare as JSON); checked by finalFareFromJson. */
  breakdown: z.record(z.string(), z.unknown()),
  completedAt: isoTime,
});
export type TripCompletedEvent = z.infer<typeof tripCompletedEventSchema>;

/** `trip.cancelled`: written when the rider cancels; the fee depends on the time since the match. */
export const tripCancelledEventSchema = z.object({
  outboxId: z.union([z.string(), z.number()]),
  tripId: idSchema,
  riderId: idSchema,
  driverId: idSchema.nullable(),
  cancelledBy: z.enum(['rider', 'driver', 'system']),
  policyHash: z.string().regex(/^[0-9a-f]{64}$/),
  kind: z.enum(['ride', 'delivery']),
  vehicleKind: z.enum(['car', 'bike', 'cargo_bike', 'van']),
  matchedAt: isoTime.nullable(),
  at: isoTime,
});
export type TripCancelledEvent = z.infer<typeof tripCancelledEventSchema>;

/**
 * `trip.requested`: written with the trip at request (trips.service.ts); carries the upfront
 * quote, on which the ledger places the card hold.
 */
export const tripRequestedEventSchema = z.object({
  outboxId: z.union([z.string(), z.number()]),
  tripId: idSchema,
  riderId: idSchema,
  quoteId: z.string().min(1),
  kind: z.enum(['ride', 'delivery']),
  vehicleKind: z.enum(['car', 'bike', 'cargo_bike', 'van']),
  /** The quote in integer minor units, as a decimal string (bigint-safe). */
  fareAmount: z.string().regex(/^(0|[1-9][0-9]{0,17})$/, 'must be integer minor units'),
  currency: z.string().regex(/^[A-Z]{3}$/),
  policyVersion: z.number().int(),
  policyHash: z.string().regex(/^[0-9a-f]{64}$/),
  at: isoTime,
});
export type TripRequestedEvent = z.infer<typeof tripRequestedEventSchema>;

/**
 * `trip.tipped`: written by the ledger's own tip route (apps/ledger/src/tips) once the tip is
 * validated against the completion entry and the policy; the worker only posts it.
 */
export const tripTippedEventSchema = z.object({
  tripId: idSchema,
  riderId: idSchema,
  driverId: idSchema,
  tip: moneySchema.refine((m) => m.amount > 0, 'must be more than zero'),
  requestedAt: isoTime,
});
export type TripTippedEvent = z.infer<typeof tripTippedEventSchema>;

/** The topics (BullMQ job names) the ledger knows. */
export const LEDGER_TOPICS = ['trip.requested', 'trip.completed', 'trip.cancelled', 'trip.tipped'] as const;
export type LedgerTopic = (typeof LEDGER_TOPICS)[number];
