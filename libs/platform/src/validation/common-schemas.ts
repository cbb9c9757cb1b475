import { z } from 'zod';

/** A WGS84 point; NaN, infinities and strings are refused. */
export const pointSchema = z.strictObject({
  lat: z.number().finite().min(-90).max(90),
  lng: z.number().finite().min(-180).max(180),
});
export type Point = z.infer<typeof pointSchema>;

/**
 * Free text stored in a PostgreSQL `text` column, which cannot hold U+0000: such a string is
 * the caller's mistake (VALIDATION_FAILED), not a database failure (500).
 */
export const textSchema = z.string().refine((s) => !s.includes('\u0000'), { message: 'must not contain NUL characters' });

/** Ids are UUIDs; anything else is a validation error rather than a database error. */
export const uuidSchema = z.string().uuid();

export const vehicleKindSchema = z.enum(['car', 'bike', 'cargo_bike', 'van']);
export const jobKindSchema = z.enum(['ride', 'delivery']);

/** Money as the contract sends it: integer minor units and an ISO 4217 code. */
export const moneySchema = z.object({ amount: z.number().int(), currency: z.string().length(3) });
export const isoTimeSchema = z.string().datetime();
