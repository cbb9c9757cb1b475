import { z } from 'zod';

export const startRunSchema = z.strictObject({
  /** Names the run: starting the same key again resumes or returns that run. */
  runKey: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'letters, digits and . _ : - (1-100)'),
});

export const runListQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const moneyOut = z.object({ amount: z.number().int(), currency: z.string() });

export const payoutItemSchema = z.object({
  runId: z.string().uuid(),
  seq: z.number().int(),
  driverId: z.string().uuid(),
  amount: moneyOut,
  transactionId: z.string().describe('The ledger entry of this payout'),
  endToEndId: z.string().describe('The transfer id in the payment file and at the provider'),
  status: z.enum(['planned', 'posted', 'submitted', 'failed']),
  providerRef: z.string().nullable(),
  failure: z.string().nullable(),
});

export const payoutSkipSchema = z.object({
  runId: z.string().uuid(),
  driverId: z.string().uuid(),
  amount: moneyOut,
  reason: z.enum(['NO_PAYOUT_ACCOUNT']).describe('Why the run did not pay this driver; the balance stays payable'),
});

export const payoutRunSchema = z.object({
  id: z.string().uuid(),
  runKey: z.string(),
  requestedBy: z.string().uuid().nullable(),
  policyVersion: z.number().int(),
  policyHash: z.string(),
  minimumAmount: z.number().int(),
  status: z.enum(['planned', 'posted', 'filed', 'completed']),
  createdAt: z.string(),
  hasFiles: z.boolean(),
  items: z.array(payoutItemSchema),
  skipped: z.array(payoutSkipSchema).describe('Drivers owed at least the minimum whom this run did not pay'),
  total: moneyOut.nullable(),
});
