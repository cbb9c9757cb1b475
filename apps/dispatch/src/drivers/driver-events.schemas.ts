import { z } from 'zod';
import { textSchema, uuidSchema, vehicleKindSchema } from '@coop/platform';

export const goOnlineSchema = z.strictObject({
  vehicle: z.strictObject({
    kind: vehicleKindSchema,
    seats: z.number().int().min(0).max(60).optional(),
    accessible: z.boolean().optional(),
  }),
});

export const locationFixSchema = z.strictObject({
  lat: z.number().finite().min(-90).max(90),
  lng: z.number().finite().min(-180).max(180),
  heading: z.number().finite().min(0).max(360).optional(),
  speedKmh: z.number().finite().min(0).max(300).optional(),
  at: z.string().datetime({ offset: true }),
});

export const emptySchema = z.strictObject({});

export const offerAnswerSchema = z.strictObject({ offerId: uuidSchema });
export const offerDeclineSchema = z.strictObject({ offerId: uuidSchema, reason: textSchema.max(200).optional() });
export const tripRefSchema = z.strictObject({ tripId: uuidSchema });
export const tripCompletionSchema = z.strictObject({
  tripId: uuidSchema,
  distanceMeters: z.number().int().min(0).max(2_000_000),
  durationSeconds: z.number().int().min(0).max(86_400),
});

/** Seats a vehicle kind has when the driver does not say (rider seats, not counting the driver). */
export const defaultSeats = { car: 4, van: 7, bike: 0, cargo_bike: 0 } as const;
