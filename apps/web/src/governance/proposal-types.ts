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

/** One policy's figures in a simulation report (GET .../simulation). */
export interface SimulationFigures {
  requests: number;
  served: number;
  unfulfilledShare: number;
  waitP50S: number;
  waitP95S: number;
  pickupKmMean: number;
  earningsPerHourMean: number;
  earningsPerHourP10: number;
  earningsPerHourP90: number;
  earningsPerHourGini: number;
  offersPerDriverMean: number;
  offersPerDriverMax: number;
}

export interface Simulation {
  proposalId: string;
  status: 'pending' | 'ready' | 'failed';
  error: string | null;
  report: {
    scenario: { drivers: number; hours: number; sizeKm: number; seed: number; requests: number };
    affected: boolean;
    inForce: { version: number; hash: string; figures: SimulationFigures };
    proposed: { hash: string; figures: SimulationFigures };
    differences: SimulationFigures;
  } | null;
}
