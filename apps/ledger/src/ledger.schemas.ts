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
  state: z
    .enum(['pending', 'posted', 'failed'])
    .describe('pending: recorded, on its way to the journal; posted: in the journal; failed: its event failed for good, nothing was posted'),
  requestedAt: isoTimeSchema,
  postedAt: isoTimeSchema.optional().describe('When posted'),
  failure: z.string().optional().describe('When failed: the reason, as the queue recorded it (`<code>: <message>`)'),
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

/** A client-chosen idempotency id for a refund or correction. */
const clientIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit');
const reasonSchema = z.string().trim().min(1, 'say why').max(500);

/** `POST /v1/ledger/refunds` body. */
export const refundRequestSchema = z.strictObject({
  id: clientIdSchema.describe('Your idempotency id: the entry is `refund:<id>`; the same id and body again returns the original'),
  tripId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a trip id'),
  of: z.enum(['fare', 'cancellation-fee', 'tip']).default('fare').describe("What to refund: the trip's fare (default), its cancellation fee, or its tip"),
  amount: safeMoney
    .refine((m) => m.amount > 0, { message: 'must be more than zero', path: ['amount'] })
    .optional()
    .describe('Omit to refund all that is left of the charge'),
  reason: reasonSchema,
});

/** `POST /v1/ledger/corrections` body. */
export const correctionRequestSchema = z.strictObject({
  id: clientIdSchema.describe('Your idempotency id: the entry is `correction:<id>`'),
  transactionId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'must be a journal entry id').describe('The entry to reverse in full'),
  reason: reasonSchema,
});

/** A refund or correction as posted. */
export const correctionSchema = z.object({
  transactionId: z.string(),
  kind: z.enum(['refund', 'reversal']),
  reverses: z.string().describe('The original entry'),
  tripId: z.string().optional(),
  reason: z.string(),
  requestedBy: z.string().describe('The member who asked for it'),
  amount: moneySchema.describe("What the rider gets back (the credit to the rider's receivable)"),
  lines: z.array(z.object({ accountId: z.string(), amount: moneySchema })).describe('Every line of the entry; debit > 0, credit < 0'),
  refund: z
    .object({ amount: moneySchema, charged: moneySchema, refundedBefore: moneySchema, refundedAfter: moneySchema })
    .optional()
    .describe('For a refund: what the original charged, and how much of it is refunded before and after this one'),
  postedAt: isoTimeSchema,
});
