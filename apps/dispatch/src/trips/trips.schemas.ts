import { z } from 'zod';
import { jobKindSchema, moneySchema, pointSchema, textSchema, uuidSchema, vehicleKindSchema } from '@coop/platform';
import { tripStatuses } from './trip-state-machine';

export const tripRequestSchema = z.strictObject({ quoteId: uuidSchema });
export const cancelSchema = z.strictObject({ reason: textSchema.max(200).optional() });

/** The client shape of a trip, as `tripView` builds it. */
export const tripSchema = z.object({
  tripId: uuidSchema,
  status: z.enum(tripStatuses),
  kind: jobKindSchema,
  vehicleKind: vehicleKindSchema,
  pickup: pointSchema,
  dropoff: pointSchema,
  driver: z.object({ memberId: uuidSchema }).optional(),
  fare: moneySchema.describe('The upfront fare of the quote'),
  finalFare: moneySchema.optional().describe('Set at completion from the measured distance and duration'),
  distanceMeters: z.number().int().optional(),
  durationSeconds: z.number().int().optional(),
  offerCount: z.number().int(),
  policyVersion: z.number().int(),
  policyHash: z.string(),
  requestedAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
