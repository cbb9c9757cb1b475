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

/** Leaf kinds the log holds, for the `kind` filter. */
export const LEAF_KINDS = ['dispatch_decision', 'policy_activation', 'dividend_allocation'] as const;

/** An instant in a query string: ISO 8601 with a zone (Z or an offset). */
const instant = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()), 'must be an ISO 8601 instant');

export const decisionsQuerySchema = z
  .strictObject({
    from: count.default(0),
    limit: count.refine((n) => n >= 1 && n <= MAX_PAGE, `must be between 1 and ${MAX_PAGE}`).default(DEFAULT_PAGE),
    kind: z
      .enum(LEAF_KINDS)
      .optional()
      .describe('only leaves of this kind (a verifier starting mid-log fetches the policy activations before it this way)'),
    since: instant.optional().describe('only leaves logged at or after this instant'),
    until: instant.optional().describe('only leaves logged before this instant'),
    cell: z
      .string()
      .regex(/^[0-9a-f]{15}$/, 'must be an H3 cell index (15 lowercase hex digits)')
      .optional()
      .describe("only decisions whose pickup cell (as published, at the policy's public resolution) is this cell"),
    mine: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe('true: only decisions that name the calling driver (drivers only)'),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since < q.until, { message: 'since must be before until', path: ['since'] });

/** The filters of GET /v1/audit/decisions besides the page (undefined: no filter). */
export type DecisionFilters = Pick<z.infer<typeof decisionsQuerySchema>, 'kind' | 'since' | 'until' | 'cell' | 'mine'>;

export const proofParamsSchema = z.strictObject({ index: count });

export const proofQuerySchema = z.strictObject({
  treeSize: count.refine((n) => n >= 1, 'must be at least 1').optional(),
});

export const fairnessQuerySchema = z.strictObject({
  period: z
    .string()
    .regex(/^\d{4}(-\d{2}|-W\d{2})?$/, 'must be a pseudonym period such as 2026, 2026-11 or 2026-W47')
    .optional(),
});

export const consistencyQuerySchema = z
  .strictObject({
    from: count.refine((n) => n >= 1, 'a proof from the empty tree proves nothing: must be at least 1'),
    to: count.optional(),
  })
  .refine((q) => q.to === undefined || q.from <= q.to, { message: 'from must not exceed to', path: ['from'] });

// Response shapes, for the reference at /docs.
const base64 = z.string().describe('standard base64');
export const checkpointResponse = z.object({
  origin: z.string(),
  treeSize: z.number().int(),
  rootHash: base64,
  timestamp: z.string().describe('ISO 8601 UTC, also the body\'s "timestamp" extension line'),
  body: z.string().describe('the signed text, C2SP tlog-checkpoint layout'),
  signature: base64.describe('Ed25519 over the UTF-8 bytes of body'),
  keyId: z.string().describe('C2SP signed-note key ID of (origin, public key), 8 hex digits'),
});
export const publicKeyResponse = z.object({ algorithm: z.literal('ed25519'), publicKey: base64, keyId: z.string(), origin: z.string() });
export const decisionsResponse = z.object({
  treeSize: z.number().int(),
  from: z.number().int(),
  next: z.number().int().optional(),
  decisions: z.array(
    z.object({
      index: z.number().int(),
      leaf: z.looseObject({}).nullable().describe('the logged document: ids pseudonymized, positions as H3 cells'),
      leafHash: base64.describe('SHA-256(0x00 || RFC 8785 bytes of leaf)'),
      disclosure: z.object({ salt: base64, record: z.looseObject({}) }).optional().describe('auditors (admin) only: the full record sealed in the leaf'),
      viewer: z.object({ pseudonym: z.string(), snapshot: z.looseObject({}) }).optional().describe('a driver named in the decision: their pseudonym and own snapshot'),
      withheld: z.string().optional(),
    }),
  ),
});
export const inclusionResponse = z.object({ index: z.number().int(), treeSize: z.number().int(), leafHash: base64, proof: z.array(base64) });
export const consistencyResponse = z.object({ from: z.number().int(), to: z.number().int(), proof: z.array(base64) });
export const fairnessResponse = z.object({
  period: z.string(),
  decisions: z.number().int(),
  drivers: z.array(
    z.object({
      pseudonym: z.string(),
      offers: z.number().int(),
      candidacies: z.number().int(),
      exclusions: z.record(z.string(), z.number().int()),
      earnedMinor: z.number().int(),
      onlineSeconds: z.number().int(),
      earningsPerHourMinor: z.number().int().nullable(),
    }),
  ),
  offersGini: z.number(),
  earningsPerHourGini: z.number(),
  outcomes: z
    .object({
      source: z.literal('trips table'),
      requested: z.number().int(),
      matched: z.number().int(),
      completed: z.number().int(),
      waitSeconds: z.object({ median: z.number(), p90: z.number(), max: z.number() }).nullable(),
      drivers: z.array(z.object({ pseudonym: z.string(), trips: z.number().int(), completed: z.number().int() })),
      tripsGini: z.number(),
    })
    .describe('trips requested in the period, from the trips table: reported by the server, not verifiable from the log'),
});
