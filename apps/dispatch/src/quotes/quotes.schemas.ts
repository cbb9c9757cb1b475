import { z } from 'zod';
import { jobKindSchema, pointSchema, vehicleKindSchema } from '@coop/platform';

export const quoteRequestSchema = z.strictObject({
  kind: jobKindSchema,
  pickup: pointSchema,
  dropoff: pointSchema,
  vehicleKind: vehicleKindSchema.optional(),
});
export type QuoteRequest = z.infer<typeof quoteRequestSchema>;
