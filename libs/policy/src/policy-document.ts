import type { MatchingPolicy } from '@coop/matching';
import type { FarePolicy } from '@coop/money';

/** What members see of each other in the public audit view. */
export interface PrivacyPolicy {
  /** H3 resolution positions are coarsened to in public views (7 is about 5 km² per cell). */
  publicH3Resolution: number;
  /** How often the keys of member pseudonyms rotate. */
  pseudonymRotation: 'weekly' | 'monthly' | 'yearly';
}

/** When and how drivers' payable balances are paid out. */
export interface PayoutPolicy {
  schedule: 'weekly' | 'biweekly' | 'monthly';
  /** ISO weekday (1 = Monday) for weekly and biweekly runs; day of month for monthly. */
  day: number;
  hourUtc: number;
  /** Balances below this (minor units) roll over to the next run. */
  minimumAmount: number;
}

/** The year-end surplus allocation (patronage dividends). */
export interface DividendPolicy {
  basis: 'fare_revenue' | 'trips' | 'online_hours';
  /** Share of the surplus kept in the indivisible reserve, basis points. */
  reserveBasisPoints: number;
  /** Share of each allocation paid in cash (at least 2000: US Subchapter T, IRC §1388(c)). */
  cashBasisPoints: number;
}

/** How the members change this document. */
export interface GovernancePolicy {
  membershipClasses: Array<'driver' | 'rider'>;
  votingWindowHours: number;
  /** Share of members who must vote (abstentions count) for a result to stand, basis points. */
  quorumBasisPoints: number;
  /** Share of yes among yes+no (abstentions do not count) needed to pass, basis points. */
  thresholdBasisPoints: number;
  /** The threshold for changes to this governance section itself. */
  governanceThresholdBasisPoints: number;
}

/**
 * Every parameter the co-op votes on, in one JSON document. Its hash (SHA-256 of the RFC
 * 8785 canonical form) names the exact rules each decision, fare and payout followed.
 */
export interface PolicyDocument {
  schema: 'coop-dispatch/policy/v1';
  /** A human name for this version, e.g. "2026 spring rates". */
  title: string;
  matching: MatchingPolicy;
  fares: FarePolicy;
  privacy: PrivacyPolicy;
  payouts: PayoutPolicy;
  dividends: DividendPolicy;
  governance: GovernancePolicy;
}

/** A policy document as stored and activated: its version number and content hash. */
export interface PolicyVersion {
  version: number;
  hash: string;
  document: PolicyDocument;
}
