import { z } from 'zod';
import { isoTimeSchema, textSchema } from '@coop/platform';

export const proposeSchema = z.strictObject({
  title: textSchema.pipe(z.string().min(1).max(200)),
  rationale: textSchema.pipe(z.string().max(10_000)).optional(),
  /** RFC 7396 merge patch against the policy in force: objects merge, null removes, the rest replaces. */
  patch: z.record(z.string(), z.unknown()).refine((p) => Object.keys(p).length > 0, 'the patch must change something'),
  effectiveAt: isoTimeSchema.optional(),
});

export const ballotRequestSchema = z.strictObject({ choice: z.enum(['yes', 'no', 'abstain']) });

export const proposalListQuerySchema = z.strictObject({
  status: z.enum(['open', 'passed', 'rejected', 'superseded']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const tallySchema = z.object({
  eligible: z.number().int(),
  yes: z.number().int(),
  no: z.number().int(),
  abstain: z.number().int(),
  cast: z.number().int(),
  quorumBasisPoints: z.number().int(),
  thresholdBasisPoints: z.number().int(),
  supermajority: z.boolean(),
  quorumMet: z.boolean(),
  thresholdMet: z.boolean(),
  passed: z.boolean(),
});

export const proposalSchema = z.object({
  id: z.string().uuid(),
  proposerId: z.string().uuid(),
  title: z.string(),
  rationale: z.string(),
  baseVersion: z.number().int().describe('The policy version in force when proposed; the patch applies to it'),
  patch: z.looseObject({}),
  document: z.looseObject({}).describe('The whole policy that passes if the proposal does'),
  hash: z.string().describe('policyHash of `document`'),
  changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
  supermajority: z.boolean().describe('The governance section changes: governanceThresholdBasisPoints applies'),
  opensAt: z.string(),
  closesAt: z.string(),
  effectiveAt: z.string(),
  status: z.enum(['open', 'passed', 'rejected', 'superseded']),
  tally: tallySchema.nullable().describe('Hidden (null) until the window closes'),
  closedAt: z.string().nullable(),
  activatedVersion: z.number().int().nullable(),
});

export const ballotSchema = z.object({
  choice: z.enum(['yes', 'no', 'abstain']),
  receipt: z.string().describe('Find your ballot under this receipt in the published ballots after the close'),
  castAt: z.string(),
});

export const publishedBallotsSchema = z.object({
  proposalId: z.string().uuid(),
  tally: tallySchema,
  ballots: z.array(z.object({ receipt: z.string(), choice: z.enum(['yes', 'no', 'abstain']) })),
});

const figuresSchema = z.object({
  requests: z.number().int(),
  served: z.number().int(),
  unfulfilledShare: z.number().describe('Unfulfilled requests / requests'),
  waitP50S: z.number().describe('Rider wait from request to pickup, median, seconds'),
  waitP95S: z.number(),
  pickupKmMean: z.number().describe('Driver to pickup, road km (straight line x detour), mean per accepted offer'),
  earningsPerHourMean: z.number().describe('Drivers\' earnings per hour during the run, major units'),
  earningsPerHourP10: z.number(),
  earningsPerHourP90: z.number(),
  earningsPerHourGini: z.number().describe('Gini of earnings per hour: 0 all equal, 1 all to one driver'),
  offersPerDriverMean: z.number(),
  offersPerDriverMax: z.number().int(),
  decisions: z.number().int(),
  replayFailures: z.number().int().describe('Sampled decisions that did not replay to the same choice (expected 0)'),
});

export const simulationSchema = z.object({
  proposalId: z.string().uuid(),
  status: z.enum(['pending', 'ready', 'failed']),
  attempts: z.number().int(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  report: z
    .object({
      scenario: z.looseObject({}).describe('The fixed, seeded city both policies ran in'),
      affected: z.boolean().describe('False: the proposal changes nothing the simulator models (figures equal, one run)'),
      inForce: z.object({ version: z.number().int(), hash: z.string(), figures: figuresSchema }),
      proposed: z.object({ hash: z.string(), figures: figuresSchema }),
      differences: figuresSchema.partial().describe('proposed - in force, per figure'),
    })
    .nullable(),
});
