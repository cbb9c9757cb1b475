/** The governance API's shapes (apps/payouts/src/governance/governance.schemas.ts). */
export type Choice = 'yes' | 'no' | 'abstain';

export interface Tally {
  eligible: number;
  yes: number;
  no: number;
  abstain: number;
  cast: number;
  quorumBasisPoints: number;
  thresholdBasisPoints: number;
  quorumMet: boolean;
  thresholdMet: boolean;
  passed: boolean;
}

export interface Proposal {
  id: string;
  title: string;
  rationale: string;
  baseVersion: number;
  hash: string;
  changes: { path: string; before: unknown; after: unknown }[];
  supermajority: boolean;
  opensAt: string;
  closesAt: string;
  effectiveAt: string;
  status: 'open' | 'passed' | 'rejected' | 'superseded';
  tally: Tally | null;
  activatedVersion: number | null;
}

export interface Ballot {
  choice: Choice;
  receipt: string;
  castAt: string;
}
