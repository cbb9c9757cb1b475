import { z } from 'zod';

/** A WGS84 point; NaN, infinities and strings are refused. */
export const pointSchema = z.strictObject({
  lat: z.number().finite().min(-90).max(90),
  lng: z.number().finite().min(-180).max(180),
});
export type Point = z.infer<typeof pointSchema>;

/** Ids are UUIDs; anything else is a validation error rather than a database error. */
export const uuidSchema = z.string().uuid();

export const vehicleKindSchema = z.enum(['car', 'bike', 'cargo_bike', 'van']);
export const jobKindSchema = z.enum(['ride', 'delivery']);
