import { z } from 'zod';
import { matchingPolicyIssues, type MatchingPolicy } from '@coop/matching';
import { farePolicySchema } from '@coop/money';
import type { PolicyDocument } from '@coop/policy';

const basisPoints = z.int().min(0).max(10_000);

/**
 * The whole policy document as untrusted JSON. The fare section reuses the money library's
 * schema; the matching section is checked by the matching library's own rules
 * (matchingPolicyIssues), so a proposal is held to exactly what dispatch and the ledger accept.
 */
export const policyDocumentSchema = z.strictObject({
  schema: z.literal('coop-dispatch/policy/v1'),
  title: z.string().min(1).max(200),
  matching: z.looseObject({}),
  fares: farePolicySchema,
  privacy: z.strictObject({
    publicH3Resolution: z.int().min(0).max(15),
    pseudonymRotation: z.enum(['weekly', 'monthly', 'yearly']),
  }),
  payouts: z
    .strictObject({
      schedule: z.enum(['weekly', 'biweekly', 'monthly']),
      day: z.int().min(1).max(28),
      hourUtc: z.int().min(0).max(23),
      minimumAmount: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    })
    .refine((p) => p.schedule === 'monthly' || p.day <= 7, { message: 'weekly and biweekly runs take an ISO weekday (1-7)', path: ['day'] }),
  dividends: z.strictObject({
    basis: z.enum(['fare_revenue', 'trips', 'online_hours']),
    reserveBasisPoints: basisPoints,
    // US Subchapter T: at least 20% of a patronage dividend is paid in cash (IRC §1388(c)(1)).
    cashBasisPoints: z.int().min(2000).max(10_000),
  }),
  governance: z.strictObject({
    membershipClasses: z
      .array(z.enum(['driver', 'rider']))
      .min(1)
      .refine((c) => new Set(c).size === c.length, 'classes must not repeat'),
    votingWindowHours: z.int().min(1).max(24 * 90),
    quorumBasisPoints: basisPoints,
    thresholdBasisPoints: z.int().min(1).max(10_000),
    governanceThresholdBasisPoints: z.int().min(1).max(10_000),
  }),
});

/** One problem found in a proposed document: where, and what. */
export interface PolicyIssue {
  path: string;
  message: string;
}

/** Every problem of a candidate policy document (empty when it is a valid PolicyDocument). */
export function policyDocumentIssues(value: unknown): PolicyIssue[] {
  const parsed = policyDocumentSchema.safeParse(value);
  const issues: PolicyIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const matching = (value as { matching?: unknown } | null)?.matching;
  if (matching && typeof matching === 'object') {
    let found: string[];
    try {
      found = matchingPolicyIssues(matching as MatchingPolicy);
    } catch (e) {
      found = [(e as Error).message];
    }
    issues.push(...found.map((message) => ({ path: 'matching', message })));
  }
  const g = parsed.success ? parsed.data.governance : undefined;
  if (g && g.governanceThresholdBasisPoints < g.thresholdBasisPoints) {
    issues.push({ path: 'governance.governanceThresholdBasisPoints', message: 'the threshold for governance changes must be at least the ordinary threshold' });
  }
  return issues;
}

/** Narrowing check: the value is a valid PolicyDocument when it has no issues. */
export function isPolicyDocument(value: unknown): value is PolicyDocument {
  return policyDocumentIssues(value).length === 0;
}
