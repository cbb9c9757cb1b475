import { defaultMatchingPolicy } from '@coop/matching';
import { defaultFarePolicy } from '@coop/money';
import type { PolicyDocument } from './policy-document';

/**
 * The policy a new co-op starts with, until its members vote another. Each section's
 * defaults are explained where the section is defined.
 */
export const defaultPolicy: PolicyDocument = {
  schema: 'coop-dispatch/policy/v1',
  title: 'Co-op default policy',
  matching: defaultMatchingPolicy,
  fares: defaultFarePolicy,
  privacy: { publicH3Resolution: 7, pseudonymRotation: 'monthly' },
  payouts: { schedule: 'weekly', day: 1, hourUtc: 6, minimumAmount: 1000 },
  dividends: { basis: 'fare_revenue', reserveBasisPoints: 3000, cashBasisPoints: 2000 },
  governance: {
    membershipClasses: ['driver', 'rider'],
    votingWindowHours: 7 * 24,
    quorumBasisPoints: 2000,
    thresholdBasisPoints: 5001,
    governanceThresholdBasisPoints: 6667,
  },
};
