import { z } from 'zod';
import { memberRoles, textSchema } from '@coop/platform';

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

export const registeredSchema = z.object({ memberId: z.string().uuid() });
export const tokenSchema = z.object({
  accessToken: z.string(),
  memberId: z.string().uuid(),
  role: z.enum(memberRoles),
  expiresAt: z.string().datetime(),
});
export const profileSchema = z.object({
  memberId: z.string().uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(memberRoles),
  approved: z.boolean(),
});
