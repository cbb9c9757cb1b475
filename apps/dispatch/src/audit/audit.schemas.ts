import { z } from 'zod';

/** Largest page of GET /v1/audit/decisions. */
export const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

/** A tree size or leaf index in a query string: canonical decimal, a safe integer. */
const count = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a non-negative decimal integer without leading zeros')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be at most 2^53 - 1');

export const decisionsQuerySchema = z.strictObject({
  from: count.default(0),
  limit: count.refine((n) => n >= 1 && n <= MAX_PAGE, `must be between 1 and ${MAX_PAGE}`).default(DEFAULT_PAGE),
});

export const proofParamsSchema = z.strictObject({ index: count });

export const proofQuerySchema = z.strictObject({
  treeSize: count.refine((n) => n >= 1, 'must be at least 1').optional(),
});

export const consistencyQuerySchema = z
  .strictObject({
    from: count.refine((n) => n >= 1, 'a proof from the empty tree proves nothing: must be at least 1'),
    to: count.optional(),
  })
  .refine((q) => q.to === undefined || q.from <= q.to, { message: 'from must not exceed to', path: ['from'] });
