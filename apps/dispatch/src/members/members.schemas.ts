import { z } from 'zod';

export const registrationSchema = z.strictObject({
  email: z.string().trim().email().max(254),
  password: z.string().min(8).max(200),
  displayName: z.string().trim().min(1).max(80),
  role: z.enum(['rider', 'driver']),
});

export const credentialsSchema = z.strictObject({
  email: z.string().trim().max(254),
  password: z.string().max(200),
});
