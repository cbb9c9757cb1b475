/** The ledger API's request and response shapes, as zod schemas: validation and /docs in one. */
import { z } from 'zod';
import { isoTimeSchema, moneySchema, uuidSchema } from '@coop/platform';

const safeMoney = z.strictObject({
  amount: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer of minor units'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
});

/** `POST /v1/trips/:tripId/tip` body. */
export const tipRequestSchema = z.strictObject({
  tip: safeMoney.refine((m) => m.amount > 0, { message: 'must be more than zero', path: ['amount'] }),
});

export const tipSchema = z.object({
  tripId: uuidSchema,
  transactionId: z.string().describe('The journal entry id, `trip:<tripId>:tip`'),
  tip: moneySchema,
  state: z.enum(['pending', 'posted']).describe('pending: recorded, on its way to the journal; posted: in the journal'),
  requestedAt: isoTimeSchema,
  postedAt: isoTimeSchema.optional().describe('When posted'),
});

/** `GET /v1/members/me/statement` query: a half-open range [from, to) of posting times. */
export const statementQuerySchema = z
  .strictObject({
    from: z.string().datetime({ offset: true }).optional().describe('Start (inclusive); default: the beginning'),
    to: z.string().datetime({ offset: true }).optional().describe('End (exclusive); default: now'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), {
    message: 'from must be before to',
    path: ['from'],
  });

/** TigerBeetle's four account totals, each >= 0; pending = holds not yet posted or voided. */
const totalsSchema = z
  .object({ debitsPosted: moneySchema, creditsPosted: moneySchema, debitsPending: moneySchema, creditsPending: moneySchema })
  .describe("TigerBeetle's account totals (each >= 0): pending counts only holds not yet posted or voided");

const lineSchema = z.object({ accountId: z.string(), amount: moneySchema, pending: z.literal(true).optional() });

export const statementSchema = z.object({
  memberId: uuidSchema,
  from: isoTimeSchema,
  to: isoTimeSchema,
  accounts: z.array(
    z.object({
      accountId: z.string(),
      kind: z.string(),
      normalBalance: z.enum(['debit', 'credit']),
      opening: moneySchema,
      closing: moneySchema,
      pendingClosing: moneySchema,
      totals: totalsSchema.describe('At `to`'),
    }),
  ),
  entries: z.array(
    z.object({
      transactionId: z.string(),
      kind: z.string(),
      postedAt: isoTimeSchema,
      tripId: z.string().optional(),
      policyHash: z.string().optional(),
      reverses: z.string().optional(),
      lines: z.array(lineSchema).describe("Only the lines on the member's own accounts; debit > 0, credit < 0"),
      details: z.record(z.string(), z.unknown()).describe('fare breakdown, split, reason'),
    }),
  ),
  truncated: z.boolean(),
});

export const trialBalanceSchema = z.object({
  asOf: isoTimeSchema,
  accounts: z.array(
    z.object({
      accountId: z.string(),
      kind: z.string(),
      normalBalance: z.enum(['debit', 'credit']),
      posted: moneySchema,
      pending: moneySchema,
      totals: totalsSchema,
    }),
  ),
  totals: z.array(z.object({ currency: z.string(), posted: moneySchema, pending: moneySchema, balanced: z.boolean() })),
});
