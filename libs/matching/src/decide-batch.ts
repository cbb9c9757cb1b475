import { solveAssignment } from './assignment';
import { uniqueDrivers } from './decide-immediate';
import { BATCH_RULE, BatchAssignment, BatchDecisionRecord, PolicyRef, RecordedPolicy, RecordedSearch, RequestEvaluation } from './decision-record';
import { DriverSnapshot } from './driver-state';
import { MatchingError } from './errors';
import { copyPolicy, evaluateRequest } from './evaluate';
import { RoutedEta } from './features';
import { MatchRequest, RecordedRequest, compareIds, recordRequest } from './job';
import { MatchingPolicy } from './matching-policy';
import { FairnessContext, maxScore } from './scoring';
import { SupplyIndex } from './supply-index';
import { DECISION_SCHEMA, LIBRARY_VERSION } from './version';

/** Inputs of a batch decision over one window's open requests. */
export interface BatchInput {
  requests: readonly MatchRequest[];
  supply: SupplyIndex;
  nowMs: number;
  policy: MatchingPolicy;
  policyRef: PolicyRef;
  fairness: FairnessContext;
  /** Router ETAs per request id, where the app asked a router. */
  routedEtas?: Readonly<Record<string, readonly RoutedEta[]>>;
}

/** The recorded inputs of a batch decision; replay rebuilds the record from exactly these. */
export interface BatchInputs {
  requests: ReadonlyArray<{ request: RecordedRequest; search: RecordedSearch; routedEtas: readonly RoutedEta[] }>;
  drivers: readonly DriverSnapshot[];
  nowMs: number;
  policy: RecordedPolicy;
  context: FairnessContext;
}

/** Matches all open requests of a window against their candidates at once (optimal assignment) and returns the record. */
export function decideBatch(input: BatchInput): BatchDecisionRecord {
  const requests = input.requests.map(recordRequest);
  const searches = requests.map((r) => input.supply.searchRecorded(r, input.nowMs));
  return decideBatchFromInputs({
    requests: requests.map((request, k) => ({
      request,
      search: searches[k],
      routedEtas: input.routedEtas?.[request.requestId] ?? [],
    })),
    drivers: uniqueDrivers(searches.map((s) => s.drivers)),
    nowMs: input.nowMs,
    policy: { version: input.policyRef.version, hash: input.policyRef.hash, matching: copyPolicy(input.policy) },
    context: { medianEarningsPerHourMinor: input.fairness.medianEarningsPerHourMinor },
  });
}

/** The pure core of a batch decision, shared with replay: evaluate each request, build costs, solve. */
export function decideBatchFromInputs(i: BatchInputs): BatchDecisionRecord {
  const byId = new Map(i.drivers.map((d) => [d.driverId, d]));
  const evaluations: RequestEvaluation[] = [...i.requests]
    .sort((a, b) => compareIds(a.request.requestId, b.request.requestId))
    .map((r) =>
      evaluateRequest({ ...r, drivers: byId, nowMs: i.nowMs, policy: i.policy.matching, context: i.context }),
    );
  assertUniqueRequests(evaluations);
  const columns = [...new Set(evaluations.flatMap((e) => e.candidates.map((c) => c.driverId)))].sort(compareIds);
  const colOf = new Map(columns.map((id, j) => [id, j]));
  const top = maxScore(i.policy.matching);
  const cost = evaluations.map((e) => {
    const row = new Array<number>(columns.length).fill(Infinity);
    for (const c of e.candidates) row[colOf.get(c.driverId)!] = top - c.score;
    return row;
  });
  const rowToCol = solveAssignment(cost);
  let totalCost = 0;
  const assignment: BatchAssignment[] = evaluations.map((e, r) => {
    const j = rowToCol[r];
    if (j < 0) return { requestId: e.request.requestId, driverId: null, score: null };
    totalCost += cost[r][j];
    return { requestId: e.request.requestId, driverId: columns[j], score: top - cost[r][j] };
  });
  const found = new Set(evaluations.flatMap((e) => e.search.found.map((f) => f.driverId)));
  return {
    schema: DECISION_SCHEMA,
    mode: 'batch',
    libraryVersion: LIBRARY_VERSION,
    policy: i.policy,
    nowMs: i.nowMs,
    context: i.context,
    drivers: [...found].sort(compareIds).map((id) => byId.get(id)!),
    rule: BATCH_RULE,
    requests: evaluations,
    assignment,
    assignedCount: assignment.filter((a) => a.driverId !== null).length,
    totalCost,
  };
}

function assertUniqueRequests(evaluations: readonly RequestEvaluation[]): void {
  for (let k = 1; k < evaluations.length; k++) {
    if (evaluations[k].request.requestId === evaluations[k - 1].request.requestId) {
      throw new MatchingError('MATCHING_RECORD_INVALID', `request ${evaluations[k].request.requestId} appears twice in one batch`);
    }
  }
}
