import { z } from 'zod';
import { jobKindSchema, moneySchema, pointSchema, vehicleKindSchema } from '@coop/platform';

export const quoteRequestSchema = z.strictObject({
  kind: jobKindSchema,
  pickup: pointSchema,
  dropoff: pointSchema,
  vehicleKind: vehicleKindSchema.optional(),
});
export type QuoteRequest = z.infer<typeof quoteRequestSchema>;

export const quoteSchema = z.object({
  quoteId: z.string().uuid(),
  fare: moneySchema,
  breakdown: z.looseObject({}).describe('The fare parts from the policy fare table, in minor units'),
  vehicleKind: vehicleKindSchema,
  distanceMeters: z.number().int(),
  durationSeconds: z.number().int(),
  policyVersion: z.number().int(),
  policyHash: z.string(),
  expiresAt: z.string().datetime(),
});
