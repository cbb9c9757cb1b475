import { DriverSnapshot } from './driver-state';
import { CandidateFeatures, RoutedEta } from './features';
import { RecordedRequest } from './job';
import { MatchingPolicy } from './matching-policy';
import { FoundDriver } from './ring-search';
import { Exclusion } from './screening';
import { FairnessContext, TermPoints } from './scoring';

/** The policy in force, as named by the policy lib: version and content hash (strings, passed in). */
export interface PolicyRef {
  version: string;
  hash: string;
}

/** The policy section of a record: its name plus the full matching parameters used. */
export interface RecordedPolicy extends PolicyRef {
  matching: MatchingPolicy;
}

/** A scored candidate: features, points per term and the weighted score. */
export interface ScoredCandidate {
  driverId: string;
  features: CandidateFeatures;
  terms: TermPoints;
  score: number;
}

/** Where the ring search looked (drivers themselves are in the record's `drivers`). */
export interface RecordedSearch {
  pickupCell: string;
  h3Resolution: number;
  ringsSearched: number;
  found: FoundDriver[];
}

/** Everything about one request inside a decision: inputs, candidates, exclusions. */
export interface RequestEvaluation {
  request: RecordedRequest;
  routedEtas: RoutedEta[];
  search: RecordedSearch;
  /** Scored candidates, best first by the record's ranking rule. */
  candidates: ScoredCandidate[];
  /** Drivers found but not scored, with reasons, sorted by driver id. */
  exclusions: Exclusion[];
}

/** Fields shared by both kinds of decision record. */
interface RecordBase {
  schema: string;
  libraryVersion: string;
  policy: RecordedPolicy;
  nowMs: number;
  context: FairnessContext;
  /** Snapshots of every driver any search found, sorted by driver id. */
  drivers: DriverSnapshot[];
  /** The tie-break rule in words, so a reader of the log knows it without the code. */
  rule: string;
}

/** A single-request decision: the best-ranked candidate gets the offer, or nobody. */
export interface ImmediateDecisionRecord extends RecordBase, RequestEvaluation {
  mode: 'immediate';
  choice: { driverId: string | null; score: number | null };
}

/** One row of a batch assignment. */
export interface BatchAssignment {
  requestId: string;
  driverId: string | null;
  score: number | null;
}

/** A batch decision: all open requests of a window against all their candidates at once. */
export interface BatchDecisionRecord extends RecordBase {
  mode: 'batch';
  /** Sorted by request id; that order is the row order of the cost matrix. */
  requests: RequestEvaluation[];
  /** One entry per request, in request-id order. */
  assignment: BatchAssignment[];
  assignedCount: number;
  /** Sum over assigned pairs of (max score - score). */
  totalCost: number;
}

/**
 * Everything needed to recompute a decision, as plain JSON (no bigint, undefined or Map), ready
 * for RFC 8785 canonicalization and the transparency log.
 */
export type DecisionRecord = ImmediateDecisionRecord | BatchDecisionRecord;

/** The immediate-mode ranking, recorded verbatim in each record. */
export const IMMEDIATE_RULE =
  'highest score; ties by lower etaSeconds, then lower distanceM, then driverId in UTF-16 code-unit order';

/** The batch-mode objective and tie-break, recorded verbatim in each record. */
export const BATCH_RULE =
  'most requests assigned, then least total cost (max score - score per pair); rows are requests by requestId and ' +
  'columns candidate drivers by driverId (UTF-16 code-unit order); equal-cost optima resolve as solveAssignment ' +
  '(shortest augmenting path, rows in order, lowest column index on equal reduced cost) finds them, in integers';
