import { z } from 'zod';
import { textSchema } from '@coop/platform';

export const registrationSchema = z.strictObject({
  email: textSchema.trim().email().max(254),
  password: z.string().min(8).max(200),
  displayName: textSchema.trim().min(1).max(80),
  role: z.enum(['rider', 'driver']),
});

export const credentialsSchema = z.strictObject({
  email: textSchema.trim().max(254),
  password: z.string().max(200),
});
