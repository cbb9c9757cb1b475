import { DriverSnapshot } from './driver-state';
import { IMMEDIATE_RULE, ImmediateDecisionRecord, PolicyRef, RecordedPolicy, RecordedSearch } from './decision-record';
import { EvaluationInputs, copyPolicy, evaluateRequest } from './evaluate';
import { RoutedEta } from './features';
import { MatchRequest, RecordedRequest, compareIds, recordRequest } from './job';
import { MatchingPolicy } from './matching-policy';
import { FairnessContext } from './scoring';
import { RingSearch, SupplyIndex } from './supply-index';
import { DECISION_SCHEMA, LIBRARY_VERSION } from './version';

/** Inputs of a single-request decision. */
export interface ImmediateInput {
  request: MatchRequest;
  /** The live index (searched here) or a search the caller already ran (e.g. to ask a router first). */
  supply: SupplyIndex | RingSearch;
  nowMs: number;
  policy: MatchingPolicy;
  /** Version and hash of the policy document, computed by the policy lib. */
  policyRef: PolicyRef;
  fairness: FairnessContext;
  /** Router ETAs for some found drivers; the model's ETA is used for the rest. */
  routedEtas?: readonly RoutedEta[];
}

/** The recorded inputs of an immediate decision; replay rebuilds the record from exactly these. */
export interface ImmediateInputs {
  request: RecordedRequest;
  search: RecordedSearch;
  drivers: readonly DriverSnapshot[];
  routedEtas: readonly RoutedEta[];
  nowMs: number;
  policy: RecordedPolicy;
  context: FairnessContext;
}

/** Decides who gets the offer for one request and returns the full decision record. */
export function decideImmediate(input: ImmediateInput): ImmediateDecisionRecord {
  const request = recordRequest(input.request);
  const search = input.supply instanceof SupplyIndex ? input.supply.searchRecorded(request, input.nowMs) : input.supply;
  return decideImmediateFromInputs({
    request,
    search,
    drivers: search.drivers,
    routedEtas: input.routedEtas ?? [],
    nowMs: input.nowMs,
    policy: { version: input.policyRef.version, hash: input.policyRef.hash, matching: copyPolicy(input.policy) },
    context: { medianEarningsPerHourMinor: input.fairness.medianEarningsPerHourMinor },
  });
}

/** The pure core of an immediate decision, shared with replay. */
export function decideImmediateFromInputs(i: ImmediateInputs): ImmediateDecisionRecord {
  const byId = new Map(i.drivers.map((d) => [d.driverId, d]));
  const evaluation = evaluateRequest({
    request: i.request,
    routedEtas: i.routedEtas,
    search: i.search,
    drivers: byId,
    nowMs: i.nowMs,
    policy: i.policy.matching,
    context: i.context,
  } satisfies EvaluationInputs);
  const best = evaluation.candidates[0] ?? null;
  return {
    schema: DECISION_SCHEMA,
    mode: 'immediate',
    libraryVersion: LIBRARY_VERSION,
    policy: i.policy,
    nowMs: i.nowMs,
    context: i.context,
    ...evaluation,
    drivers: evaluation.search.found.map((f) => byId.get(f.driverId)!),
    rule: IMMEDIATE_RULE,
    choice: { driverId: best ? best.driverId : null, score: best ? best.score : null },
  };
}

/** Sorts and dedupes driver snapshots by id (the record's `drivers` order). */
export function uniqueDrivers(lists: ReadonlyArray<readonly DriverSnapshot[]>): DriverSnapshot[] {
  const m = new Map<string, DriverSnapshot>();
  for (const l of lists) for (const d of l) if (!m.has(d.driverId)) m.set(d.driverId, d);
  return [...m.values()].sort((a, b) => compareIds(a.driverId, b.driverId));
}
